"""Voiding a check-in (API.md: ``POST /api/v1/checkins/{id}/void/``): the points taken back by
a reversing posting (never below zero, the shortfall recorded), the unredeemed vouchers void,
the check-in out of the statistics and the offers' counts, ``ledger_audit`` clean throughout."""

from datetime import date

import pytest
from django.core.management import call_command

from checkins.models import CheckIn, VisitDay
from checkins.presence import Fix
from checkins.services import checkin_record
from insight.stats.selectors import DateRange, venue_stats
from rewards.catalog.services import catalog_claim, catalog_item_create
from rewards.ledger.models import LedgerTransaction
from rewards.models import RewardGrant, Voucher
from rewards.offers.selectors import offer_queryset
from rewards.offers.services import offer_update
from rewards.vouchers.redemption import voucher_redeem
from rewards.wallet.selectors import points_balance
from tests.api import error, success
from tests.checkins.helpers import LEEDS, hot_drink_offer, points_offer
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from tests.residents.helpers import signed_in
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main door", created_by=None)


@pytest.fixture
def manager(venue):
    return client_for(venue_manager_of(venue))


@pytest.fixture
def resident():
    return UserFactory()


def void_path(checkin) -> str:
    return f"/api/v1/checkins/{checkin.pk}/void/"


def check_in(resident, poster):
    return checkin_record(resident=resident, qr_token=poster.token).checkin


def test_voiding_takes_the_points_back_and_voids_the_voucher(manager, venue, poster, resident):
    points_offer(venue, points=10)
    hot_drink_offer(venue)
    checkin = check_in(resident, poster)
    assert points_balance(resident) == 10

    body = success(manager, "post", void_path(checkin), {"reason": "Poster shared online"}).json()

    assert body["id"] == str(checkin.pk) and body["voided_at"] is not None
    assert body["void_reason"] == "Poster shared online"
    assert (body["points_taken_back"], body["points_shortfall"]) == (10, 0)
    assert (body["vouchers_voided"], body["vouchers_already_used"]) == (1, 0)
    assert points_balance(resident) == 0
    assert Voucher.objects.get(resident=resident).status == "void"
    reversal = LedgerTransaction.objects.get(kind="reverse", memo__startswith="Void:")
    assert reversal.reverses == RewardGrant.objects.get(points=10).transaction
    call_command("ledger_audit")


def test_points_already_spent_are_the_shortfall_never_below_zero(manager, venue, poster, resident):
    points_offer(venue, points=10)
    checkin = check_in(resident, poster)
    mug = catalog_item_create(council=venue.council, title="Mug", cost_points=8)
    catalog_claim(resident=resident, item=mug, idempotency_key="spent-it")
    assert points_balance(resident) == 2

    body = success(manager, "post", void_path(checkin), {"reason": "Fraud"}).json()

    assert (body["points_taken_back"], body["points_shortfall"]) == (2, 8)
    assert points_balance(resident) == 0
    grant = RewardGrant.objects.get()
    assert (grant.taken_back, grant.points) == (2, 10)
    call_command("ledger_audit")


def test_the_points_come_from_other_lots_too_when_its_own_was_spent(
    manager, venue, poster, resident, clock
):
    points_offer(venue, points=10)
    first = check_in(resident, poster)
    clock.advance(hours=5)
    check_in(resident, poster)  # a second, genuine visit: 10 more points
    mug = catalog_item_create(council=venue.council, title="Mug", cost_points=10)
    catalog_claim(resident=resident, item=mug, idempotency_key="spent-the-first")

    body = success(manager, "post", void_path(first), {"reason": "Fraud"}).json()

    assert (body["points_taken_back"], body["points_shortfall"]) == (10, 0)
    assert points_balance(resident) == 0
    call_command("ledger_audit")


def test_a_redeemed_voucher_stays_redeemed(manager, venue, poster, resident):
    hot_drink_offer(venue)
    checkin = check_in(resident, poster)
    voucher = Voucher.objects.get()
    voucher_redeem(code=voucher.code, staff=venue_staff_of(venue))

    body = success(manager, "post", void_path(checkin), {"reason": "Fraud"}).json()

    assert (body["vouchers_voided"], body["vouchers_already_used"]) == (0, 1)
    voucher.refresh_from_db()
    assert voucher.status == "redeemed"
    call_command("ledger_audit")


def test_a_void_check_in_leaves_the_statistics(manager, venue, poster, resident):
    points_offer(venue)
    checkin = check_in(resident, poster)
    check_in(UserFactory(), poster)
    today = DateRange(date.today(), date.today())
    before = venue_stats(venue=venue, period=today)
    assert (before["checkins"], before["unique_visitors"], before["rewards_issued"]) == (2, 2, 2)

    success(manager, "post", void_path(checkin), {"reason": "Fraud"})

    after = venue_stats(venue=venue, period=today)
    assert (after["checkins"], after["unique_visitors"], after["rewards_issued"]) == (1, 1, 1)
    assert not VisitDay.objects.filter(resident=resident).exists()


def test_the_budget_counts_genuine_rewards_and_the_resident_may_earn_again(
    manager, venue, poster, resident, clock
):
    offer = points_offer(venue, points=10)
    offer_update(offer=offer, changes={"max_rewards": 1, "per_user_limit": 1})
    checkin = check_in(resident, poster)
    assert offer_queryset().get(pk=offer.pk).rewards_given == 1
    success(manager, "post", void_path(checkin), {"reason": "Fraud"})
    assert offer_queryset().get(pk=offer.pk).rewards_given == 0

    clock.advance(hours=5)
    honest = checkin_record(resident=resident, venue=venue, fix=Fix(LEEDS[0], LEEDS[1], 10))
    assert honest.points_earned == 10  # the per-resident limit and the budget had room again
    call_command("ledger_audit")


def test_voiding_twice_is_already_void(manager, poster, resident):
    checkin = check_in(resident, poster)
    success(manager, "post", void_path(checkin), {"reason": "Fraud"})
    error(manager, "post", void_path(checkin), {"reason": "Again"}, status=409, code="already_void")


def test_who_may_void(venue, poster, resident):
    checkin = check_in(resident, poster)
    for user in (venue_staff_of(venue), venue_manager_of(VenueFactory()), resident):
        error(
            client_for(user),
            "post",
            void_path(checkin),
            {"reason": "x"},
            status=403,
            code="permission_denied",
        )
    assert CheckIn.objects.get().voided_at is None
    success(
        client_for(council_admin_of(venue.council)), "post", void_path(checkin), {"reason": "x"}
    )


def test_a_reason_is_needed_and_an_unknown_check_in_is_not_found(manager, poster, resident):
    checkin = check_in(resident, poster)
    error(manager, "post", void_path(checkin), {"reason": ""}, status=400, code="invalid")
    error(manager, "post", void_path(checkin), {}, status=400, code="invalid")
    error(
        manager,
        "post",
        "/api/v1/checkins/00000000-0000-0000-0000-000000000000/void/",
        {"reason": "x"},
        status=404,
        code="not_found",
    )
    assert CheckIn.objects.get().voided_at is None


def test_the_lists_show_a_void_check_in_as_void(manager, venue, poster, resident):
    checkin = check_in(resident, poster)
    success(manager, "post", void_path(checkin), {"reason": "Fraud"})
    [row] = success(manager, "get", f"/api/v1/venues/{venue.id}/checkins/").json()["results"]
    assert row["voided_at"] is not None and row["void_reason"] == "Fraud"
    [mine] = success(client_for(resident), "get", "/api/v1/checkins/").json()["results"]
    assert mine["voided_at"] is not None


def test_the_residents_data_export_says_the_evidence_and_the_void(manager, poster, resident):
    checkin = check_in(resident, poster)
    success(manager, "post", void_path(checkin), {"reason": "Poster shared online"})
    [exported] = success(client_for(resident), "get", "/api/v1/me/export/").json()["checkins"]
    assert exported["evidence"] == "poster"
    assert exported["void_reason"] == "Poster shared online" and exported["voided_at"]


def test_the_residents_statement_says_the_points_were_taken_back(manager, venue, poster, resident):
    points_offer(venue, points=10)
    checkin = check_in(resident, poster)
    success(manager, "post", void_path(checkin), {"reason": "Fraud"})
    page = signed_in(resident).get("/wallet/").content.decode()
    assert "10 points taken back" in page and "spent 10 points" not in page
