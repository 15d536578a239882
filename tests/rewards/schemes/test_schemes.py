"""Points schemes: points earned at one council's venues buy only what their scheme's councils
offer; councils grouped in one scheme share the currency; expiry, the statement and /me/ are
per scheme; the races still hold."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.errors import ApplicationError
from rewards.catalog.services import catalog_claim, catalog_item_create
from rewards.models import Voucher
from rewards.offers.services import offer_create
from rewards.schemes.models import PointsLot, Wallet
from rewards.schemes.selectors import points_balances
from rewards.schemes.services import council_scheme_ensure, scheme_councils_set, scheme_create
from rewards.schemes.tasks import settle_points_schemes
from rewards.wallet.selectors import points_balance
from rewards.wallet.services import points_credit, sink_account
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import CouncilFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"


@pytest.fixture(autouse=True)
def _no_cooldown(settings):
    settings.CHECKIN_COOLDOWN_SECONDS = 0


@pytest.fixture
def venue_a():
    return VenueFactory(radius_m=50, council=CouncilFactory(name="Barking and Dagenham"))


@pytest.fixture
def venue_b():
    # Next door (so no check-in between them is impossible travel), another council.
    return VenueFactory(
        radius_m=50,
        latitude=VenueFactory._meta.declarations["latitude"] + 0.0003,  # ~33 m north
        council=CouncilFactory(name="Havering"),
    )


@pytest.fixture
def resident():
    return UserFactory()


def earns_at(venue, points):
    return offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title=f"{points} a visit",
        rule="every_checkin",
        points=points,
    )


def check_in(resident, venue):
    body = {
        "venue": str(venue.pk),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }
    return success(client_for(resident), "post", CHECKINS, body, status=201).json()


def item_of(venue, cost):
    return catalog_item_create(
        council=venue.council, title=f"Swim at {venue.name}", cost_points=cost
    )


def claim(resident, item):
    return client_for(resident).post(f"/api/v1/catalog/{item.pk}/claim/", format="json")


def claim_outcome(resident, item) -> str:
    """A claim made directly (a thread of a race): "claimed", or the refusal's code."""
    try:
        catalog_claim(resident=resident, item=item, idempotency_key=uuid.uuid4().hex)
    except ApplicationError as exc:
        return exc.code
    return "claimed"


def audit_passes():
    call_command("ledger_audit")  # exits 1 (SystemExit) on any breach


def scheme_of(venue):
    return council_scheme_ensure(council=venue.council)


def test_every_council_starts_in_a_scheme_of_its_own(venue_a, venue_b):
    assert scheme_of(venue_a) != scheme_of(venue_b)
    assert scheme_of(venue_a).name == "Barking and Dagenham"


def test_points_earned_in_a_cannot_buy_bs_catalog(resident, venue_a, venue_b):
    earns_at(venue_a, 50)
    assert check_in(resident, venue_a)["points_earned"] == 50

    refusal = error(
        client_for(resident),
        "post",
        f"/api/v1/catalog/{item_of(venue_b, 10).pk}/claim/",
        status=400,
        code="insufficient_points",
    )
    assert "10 points" in refusal["detail"]
    assert claim(resident, item_of(venue_a, 30)).status_code == 201
    assert points_balance(resident) == 20
    audit_passes()


def test_me_shows_a_balance_per_scheme_and_their_sum(resident, venue_a, venue_b):
    earns_at(venue_a, 30)
    earns_at(venue_b, 5)
    check_in(resident, venue_a)
    check_in(resident, venue_b)
    check_in(resident, venue_b)

    me = success(client_for(resident), "get", "/api/v1/me/").json()

    assert me["points_balance"] == 40
    assert [(row["name"], row["points"]) for row in me["balances"]] == [
        ("Barking and Dagenham", 30),
        ("Havering", 10),
    ]
    assert me["balances"][1]["scheme"] == str(scheme_of(venue_b).public_id)
    assert me["balances"][1]["councils"] == [{"id": str(venue_b.council_id), "name": "Havering"}]


def test_the_statement_filters_by_scheme_with_each_wallets_running_balance(
    resident, venue_a, venue_b
):
    earns_at(venue_a, 30)
    earns_at(venue_b, 5)
    check_in(resident, venue_a)
    check_in(resident, venue_b)
    check_in(resident, venue_a)
    client = client_for(resident)

    everything = success(client, "get", "/api/v1/me/ledger/").json()["results"]
    only_b = success(
        client, "get", f"/api/v1/me/ledger/?scheme={scheme_of(venue_b).public_id}"
    ).json()["results"]

    assert [(row["amount"], row["balance_after"]) for row in everything] == [
        (30, 60),
        (5, 5),
        (30, 30),
    ]
    assert [(row["amount"], row["scheme"]) for row in only_b] == [
        (5, str(scheme_of(venue_b).public_id))
    ]
    error(client, "get", "/api/v1/me/ledger/?scheme=zero", status=400, code="invalid")


def test_a_shared_scheme_spends_across_its_councils(resident, venue_a, venue_b):
    shared = scheme_create(name="Libraries Consortium", councils=[venue_a.council, venue_b.council])
    earns_at(venue_a, 50)
    check_in(resident, venue_a)

    assert claim(resident, item_of(venue_b, 40)).status_code == 201
    assert points_balances(resident) == [
        {
            "scheme": shared.public_id,
            "name": "Libraries Consortium",
            "councils": [
                {"id": str(venue_a.council_id), "name": "Barking and Dagenham"},
                {"id": str(venue_b.council_id), "name": "Havering"},
            ],
            "points": 10,
        }
    ]
    audit_passes()


def test_grouping_councils_moves_their_residents_points_into_the_shared_scheme(
    resident, venue_a, venue_b, django_capture_on_commit_callbacks
):
    earns_at(venue_a, 30)
    earns_at(venue_b, 20)
    check_in(resident, venue_a)
    check_in(resident, venue_b)
    old_a, old_b = scheme_of(venue_a), scheme_of(venue_b)

    with django_capture_on_commit_callbacks(execute=True):  # the job, once it commits
        shared = scheme_create(name="Consortium", councils=[venue_a.council, venue_b.council])

    assert [(row["scheme"], row["points"]) for row in points_balances(resident)] == [
        (shared.public_id, 50)
    ]
    old_a.refresh_from_db()
    old_b.refresh_from_db()
    assert old_a.merged_into == shared and old_b.merged_into == shared
    assert claim(resident, item_of(venue_b, 50)).status_code == 201  # A's points spent at B
    audit_passes()
    # Run again (a retry after a crash): nothing moves twice.
    scheme_councils_set(scheme=shared, councils=[venue_a.council, venue_b.council])
    assert points_balance(resident) == 0
    audit_passes()


def test_a_council_taken_out_starts_afresh_and_the_points_stay_in_the_shared_scheme(
    resident, venue_a, venue_b
):
    shared = scheme_create(name="Consortium", councils=[venue_a.council, venue_b.council])
    earns_at(venue_b, 20)
    check_in(resident, venue_b)

    scheme_councils_set(scheme=shared, councils=[venue_a.council])

    assert scheme_of(venue_b) != shared
    assert claim(resident, item_of(venue_b, 20)).status_code == 400  # B's new scheme: nothing
    assert claim(resident, item_of(venue_a, 20)).status_code == 201  # still good at A
    audit_passes()


def test_expiry_is_per_scheme(resident, venue_a, venue_b, settings):
    settings.POINTS_EXPIRY_DAYS = 30
    source = sink_account("source:test")
    long_ago = timezone.now() - timedelta(days=31)
    for venue, points, when in (
        (venue_a, 70, long_ago),
        (venue_b, 15, long_ago),
        (venue_b, 5, None),
    ):
        points_credit(
            resident=resident,
            scheme_id=scheme_of(venue).pk,
            amount=points,
            source=source,
            idempotency_key=uuid.uuid4().hex,
            now=when,
        )

    call_command("expire_points")

    balances = {row["scheme"]: row["points"] for row in points_balances(resident)}
    assert balances == {scheme_of(venue_a).public_id: 0, scheme_of(venue_b).public_id: 5}
    assert not PointsLot.objects.filter(remaining__gt=0, expires_at__lte=timezone.now()).exists()
    audit_passes()


def test_the_wallets_are_one_per_resident_and_scheme(resident, venue_a):
    earns_at(venue_a, 1)
    check_in(resident, venue_a)
    check_in(resident, venue_a)
    assert Wallet.objects.filter(resident=resident).count() == 1


# --- Races (PostgreSQL: real row locks) ---


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_points_of_a_shared_scheme_are_spent_once_by_claims_at_two_councils_at_once(
    venue_a, venue_b
):
    """40 points in a shared scheme, two 40-point items at two councils, 8 claims at once:
    one voucher. The wallet's lots are locked, whichever council's item is claimed."""
    scheme_create(name="Consortium", councils=[venue_a.council, venue_b.council])
    resident = UserFactory()
    points_credit(
        resident=resident,
        scheme_id=scheme_of(venue_a).pk,
        amount=40,
        source=sink_account("source:test"),
        idempotency_key="forty",
    )
    items = [item_of(venue_a, 40), item_of(venue_b, 40)]

    outcomes = run_in_parallel(8, lambda index: claim_outcome(resident, items[index % 2]))

    assert sorted(outcomes) == ["claimed"] + ["insufficient_points"] * 7
    assert Voucher.objects.count() == 1 and points_balance(resident) == 0
    audit_passes()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_claims_in_two_schemes_at_once_each_spend_their_own_points(venue_a, venue_b):
    """30 points in A and 30 in B; 6 claims of A's 30-point item and 6 of B's at once: one
    voucher of each, and neither scheme's points paid for the other's."""
    resident = UserFactory()
    for venue in (venue_a, venue_b):
        points_credit(
            resident=resident,
            scheme_id=scheme_of(venue).pk,
            amount=30,
            source=sink_account("source:test"),
            idempotency_key=f"thirty-{venue.pk}",
        )
    items = [item_of(venue_a, 30), item_of(venue_b, 30)]

    outcomes = run_in_parallel(12, lambda index: claim_outcome(resident, items[index % 2]))

    assert outcomes.count("claimed") == 2
    assert {voucher.catalog_item_id for voucher in Voucher.objects.all()} == {
        item.pk for item in items
    }
    assert points_balance(resident) == 0
    audit_passes()


def test_the_catalog_says_which_schemes_points_buy_each_item(venue_a, venue_b):
    items = {item_of(venue, 10).pk: venue for venue in (venue_a, venue_b)}
    rows = success(client_for(UserFactory()), "get", "/api/v1/catalog/").json()["results"]
    assert {row["id"]: row["scheme"] for row in rows} == {
        str(item): str(scheme_of(venue).public_id) for item, venue in items.items()
    }


def test_points_left_behind_by_a_grouping_are_moved_by_the_hourly_job(resident, venue_a, venue_b):
    """The grouping's own job never ran (the queue was down: the test runs no commit hooks),
    and a check-in that raced it credited the old scheme after all: the hourly job moves both,
    each under its own key, and following a chain of groupings to the end."""
    earns_at(venue_b, 20)
    check_in(resident, venue_b)
    old_b = scheme_of(venue_b)
    shared = scheme_create(name="Consortium", councils=[venue_a.council, venue_b.council])
    assert claim(resident, item_of(venue_a, 20)).status_code == 400  # still in B's old wallet

    assert settle_points_schemes.delay().get() == {"wallets_moved": 1}
    assert claim(resident, item_of(venue_a, 20)).status_code == 201

    # Late points in the old wallet, after the move, and the group itself grouped again.
    points_credit(
        resident=resident,
        scheme_id=old_b.pk,
        amount=7,
        source=sink_account("source:test"),
        idempotency_key="late",
    )
    larger = scheme_create(name="Region", councils=[venue_a.council, venue_b.council])
    shared.refresh_from_db()
    assert shared.merged_into == larger
    assert settle_points_schemes.delay().get() == {"wallets_moved": 1}
    assert [(row["scheme"], row["points"]) for row in points_balances(resident)] == [
        (larger.public_id, 7)
    ]
    assert settle_points_schemes.delay().get() == {"wallets_moved": 0}
    audit_passes()
