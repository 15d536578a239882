"""Fraud review under concurrency, with real threads on PostgreSQL: a void meets a claim of the
same points, two voids meet, a poster's leak is crossed by many check-ins at once, an undo
meets an undo. Each proves what the row locks and the unique index on open alerts promise."""

import pytest
from django.core.management import call_command

from backend.errors import ApplicationError
from checkins.models import Alert
from checkins.services import checkin_record
from checkins.voiding import checkin_void
from rewards.catalog.services import catalog_claim, catalog_item_create
from rewards.schemes.models import PointsLot
from rewards.vouchers.redemption import voucher_redeem, voucher_redeem_undo
from rewards.wallet.selectors import points_balance
from tests.checkins.helpers import hot_drink_offer, points_offer
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only
from tests.factories import UserFactory, VenueFactory, venue_manager_of, venue_staff_of
from tests.rewards.helpers import issued_voucher
from venues.posters.services import poster_create

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def venue():
    return VenueFactory()


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Door", created_by=None)


def test_a_void_and_a_claim_of_the_same_points_at_once_keep_the_books_straight(venue, poster):
    points_offer(venue, points=10)
    manager = venue_manager_of(venue)
    item = catalog_item_create(council=venue.council, title="Mug", cost_points=8)
    for attempt in range(8):
        resident = UserFactory()
        checkin = checkin_record(resident=resident, qr_token=poster.token).checkin

        def act(index, resident=resident, checkin=checkin, key=f"mug-{attempt}"):
            if index == 0:
                return checkin_void(checkin=checkin, by=manager, reason="Fraud").taken_back
            try:
                return catalog_claim(resident=resident, item=item, idempotency_key=key)
            except ApplicationError as refusal:
                return refusal.code

        taken, claimed = run_in_parallel(2, act)
        assert not isinstance(taken, Exception) and not isinstance(claimed, Exception), (
            taken,
            claimed,
        )
        if claimed == "insufficient_points":  # the void went first: everything came back
            assert (taken.points_taken_back, taken.points_shortfall) == (10, 0)
        else:  # the claim went first: 8 were spent, 2 came back
            assert (taken.points_taken_back, taken.points_shortfall) == (2, 8)
        assert points_balance(resident) == 0
        assert sum(lot.remaining for lot in PointsLot.objects.filter(resident=resident)) == 0
    call_command("ledger_audit")


def test_two_voids_at_once_void_once(venue, poster):
    hot_drink_offer(venue)
    checkin = checkin_record(resident=UserFactory(), qr_token=poster.token).checkin
    managers = [venue_manager_of(venue), venue_manager_of(venue)]

    def void(index):
        try:
            return checkin_void(checkin=checkin, by=managers[index], reason=f"by {index}")
        except ApplicationError as refusal:
            return refusal.code

    outcomes = run_in_parallel(2, void)
    assert sorted(outcome if isinstance(outcome, str) else "voided" for outcome in outcomes) == [
        "already_void",
        "voided",
    ]
    call_command("ledger_audit")


def test_a_leak_crossed_by_many_check_ins_at_once_opens_one_alert(venue, poster, settings):
    settings.POSTER_LEAK_RESIDENTS = 3
    residents = UserFactory.create_batch(12)

    def check_in(index):
        return checkin_record(resident=residents[index], qr_token=poster.token).checkin.pk

    outcomes = run_in_parallel(12, check_in)
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    alert = Alert.objects.get()  # one, however many crossed the threshold at once
    assert alert.kind == "poster_leak" and alert.occurrences >= 1


def test_two_undos_at_once_undo_once(venue):
    item = catalog_item_create(council=venue.council, venue=venue, title="Tea", cost_points=1)
    resident = UserFactory()
    voucher = issued_voucher(resident, item)
    staff = venue_staff_of(venue)
    voucher_redeem(code=voucher.code, staff=staff)

    def undo(index):
        try:
            return voucher_redeem_undo(voucher=voucher, by=staff).status
        except ApplicationError as refusal:
            return refusal.code

    assert sorted(run_in_parallel(2, undo)) == ["issued", "not_redeemed"]
    call_command("ledger_audit")
