"""What a rewarding check-in costs the database, pinned (issue 16), and the batch's fallback.

The case of the benchmark: a venue with an ``every_checkin`` points offer and a voucher offer
with a ``per_user_limit``, a resident who has been rewarded there before (wallet and voucher
account made) and has checked in elsewhere too (so one query answers cooldown and travel).
Counted: every statement of ``POST /api/v1/checkins/`` after authentication, the way
`bench/checkin_load.py` counts them, savepoints left out (a test runs inside a transaction,
so the check-in's own transaction is a savepoint here and a BEGIN/COMMIT in production).
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from checkins.models import CheckIn
from rewards.models import RewardGrant, Voucher
from rewards.offers.services import offer_create, offer_update
from rewards.schemes.models import PointsLot
from tests.api import success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, is_postgresql, postgres_only
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"
# The venue (read by the API before all of it); lock the resident, cooldown and travel, the
# check-in with its visit-day count (one statement on PostgreSQL, two on SQLite); the live
# offers, lock the accounts, the postings (transactions, entries and account totals: one
# statement on PostgreSQL, three on SQLite), the lot, the voucher, the grants.
REWARDING_CHECKIN_STATEMENTS = 10 if is_postgresql else 13
NO_OFFER_CHECKIN_STATEMENTS = 5 if is_postgresql else 6


def gps(venue):
    return {
        "venue": str(venue.pk),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }


def points_offer(venue, **fields):
    fields = {"title": "P", "rule": "every_checkin", "points": 10, **fields}
    return offer_create(council=None, venue=venue, created_by=None, **fields)


def voucher_offer(venue, **fields):
    fields = {"title": "V", "rule": "every_checkin", "voucher_title": "A coffee", **fields}
    return offer_create(council=None, venue=venue, created_by=None, **fields)


@pytest.fixture
def venue():
    return VenueFactory(radius_m=100)


@pytest.fixture
def rewarding(venue):
    return points_offer(venue), voucher_offer(venue, per_user_limit=50)


@pytest.fixture
def regular(venue, clock):
    """A resident with check-ins here (rewarded) and at the venue next door."""
    resident = UserFactory()
    client = client_for(resident)
    success(client, "post", CHECKINS, gps(VenueFactory(radius_m=100)), status=201)
    clock.advance(days=1)
    success(client, "post", CHECKINS, gps(venue), status=201)
    clock.advance(days=1)
    return resident


def statements_of_a_checkin(resident, venue) -> list[str]:
    client = client_for(resident)
    with CaptureQueriesContext(connection) as queries:
        success(client, "post", CHECKINS, gps(venue), status=201)
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_rewarding_checkin_costs_a_fixed_number_of_statements(venue, rewarding, regular):
    statements = statements_of_a_checkin(regular, venue)
    assert len(statements) == REWARDING_CHECKIN_STATEMENTS, "\n".join(statements)
    assert RewardGrant.objects.filter(resident=regular).count() == 4  # both offers, twice


def test_more_offers_cost_no_more_statements(venue, rewarding, regular):
    for index in range(3):
        offer_create(
            council=venue.council,
            venue=None,
            created_by=None,
            title=f"Council-wide {index}",
            rule="every_checkin",
            points=index + 1,
        )
    success(client_for(regular), "post", CHECKINS, gps(venue), status=201)  # first rewards
    for checkin in CheckIn.objects.all():
        CheckIn.objects.filter(pk=checkin.pk).update(
            created_at=checkin.created_at - timedelta(days=1)
        )
    statements = statements_of_a_checkin(regular, venue)
    assert len(statements) == REWARDING_CHECKIN_STATEMENTS, "\n".join(statements)


def test_a_checkin_with_no_live_offer_costs_five_or_six(venue, regular):
    statements = statements_of_a_checkin(regular, venue)
    assert len(statements) == NO_OFFER_CHECKIN_STATEMENTS, "\n".join(statements)


def test_a_batch_that_fails_in_the_database_is_given_again_one_offer_at_a_time(
    venue, rewarding, monkeypatch, caplog
):
    """A batch that fails (here: the vouchers' insert, once, as a voucher code drawn twice
    would) rolls the check-in back whole; it is recorded again with each offer on its own,
    through the same payout, so the resident gets every reward, once."""
    real_bulk_create = Voucher.objects.bulk_create
    failures = []

    def clash(objs, *args, **kwargs):
        if failures:
            return real_bulk_create(objs, *args, **kwargs)
        failures.append(len(objs))
        raise IntegrityError("duplicate key value violates unique constraint on code")

    monkeypatch.setattr(Voucher.objects, "bulk_create", clash)
    resident = UserFactory()
    body = success(client_for(resident), "post", CHECKINS, gps(venue), status=201).json()

    assert failures == [1]
    assert body["points_earned"] == 10
    assert sorted(reward["kind"] for reward in body["rewards"]) == ["points", "voucher"]
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert Voucher.objects.filter(resident=resident).count() == 1
    assert PointsLot.objects.filter(resident=resident).count() == 1
    assert "failed as a batch" in caplog.text
    monkeypatch.setattr(Voucher.objects, "bulk_create", real_bulk_create)
    call_command("ledger_audit")


def test_a_spent_budget_stops_one_offer_and_the_other_still_gives(venue, caplog):
    capped = points_offer(venue, title="Capped", max_rewards=1)
    points_offer(venue, title="Open", points=3)
    first = success(client_for(UserFactory()), "post", CHECKINS, gps(venue), status=201).json()
    second = success(client_for(UserFactory()), "post", CHECKINS, gps(venue), status=201).json()
    assert (first["points_earned"], second["points_earned"]) == (13, 3)
    assert RewardGrant.objects.filter(offer=capped).count() == 1
    assert "failed as a batch" not in caplog.text  # a spent budget is no failure of the batch
    call_command("ledger_audit")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_rush_on_two_capped_offers_pays_each_budget_exactly_without_deadlocks():
    """16 residents at once at a venue with a points offer capped at 5 rewards and a voucher
    offer capped at 3: one statement locks both pools and each resident's accounts in id
    order, so nobody deadlocks (a deadlock would be a 500) and neither budget is overpaid."""
    venue = VenueFactory(radius_m=100)
    points = points_offer(venue, max_rewards=5)
    vouchers = voucher_offer(venue, max_rewards=3)
    residents = UserFactory.create_batch(16)

    def work(index):
        return client_for(residents[index]).post(CHECKINS, gps(venue), format="json")

    responses = run_in_parallel(16, work)

    assert [getattr(r, "status_code", r) for r in responses] == [201] * 16
    assert sum(r.json()["points_earned"] for r in responses) == 50
    assert RewardGrant.objects.filter(offer=points).count() == 5
    assert Voucher.objects.filter(offer=vouchers).count() == 3
    call_command("ledger_audit")


@pytest.mark.parametrize(
    "before, after",
    [
        ({"points": 10}, {"points": 0, "voucher_title": "A coffee"}),
        ({"points": 0, "voucher_title": "A coffee"}, {"points": 10, "voucher_title": ""}),
    ],
)
def test_an_offer_switched_before_its_first_reward_pays_from_a_pool_of_its_kind(
    venue, before, after, caplog
):
    offer = offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Switched",
        rule="every_checkin",
        max_rewards=4,
        **before,
    )
    offer_update(offer=offer, changes=after)
    body = success(client_for(UserFactory()), "post", CHECKINS, gps(venue), status=201).json()
    assert [reward["kind"] for reward in body["rewards"]] == [
        "voucher" if after.get("voucher_title") else "points"
    ]
    offer.refresh_from_db()
    assert offer.pool.asset == ("VOUCHER" if after.get("voucher_title") else "POINTS")
    assert offer.pool.min_balance == (-4 if after.get("voucher_title") else -40)
    assert "failed" not in caplog.text
    call_command("ledger_audit")


def test_a_residents_first_reward_makes_their_accounts_in_two_statements_more(venue, rewarding):
    """A first reward makes the resident's wallet in the scheme and their voucher account of
    the offer: one insert for both accounts, one for the wallet's index row."""
    newcomer = UserFactory()
    statements = statements_of_a_checkin(newcomer, venue)
    assert len(statements) == REWARDING_CHECKIN_STATEMENTS + 2, "\n".join(statements)
    assert newcomer.wallets.count() == 1
    call_command("ledger_audit")
