"""Undoing a desk redemption (API.md: ``POST /api/v1/vouchers/{id}/undo-redeem/``) within
``REDEEM_UNDO_MINUTES`` by the person who redeemed it or a manager; and redeem's
``Idempotency-Key``, so a double tap at the desk replays the first "redeemed"."""

import pytest
from django.core.management import call_command

from rewards.ledger.models import LedgerTransaction
from rewards.models import Voucher
from rewards.vouchers.redemption import voucher_redeem
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of, venue_staff_of
from tests.rewards.helpers import issued_voucher

pytestmark = pytest.mark.django_db

REDEEM = "/api/v1/vouchers/redeem/"


def undo_path(voucher) -> str:
    return f"/api/v1/vouchers/{voucher.pk}/undo-redeem/"


@pytest.fixture
def staff(venue):
    return venue_staff_of(venue)


@pytest.fixture
def voucher(item):
    return issued_voucher(UserFactory(), item)


@pytest.fixture
def redeemed(voucher, staff):
    return voucher_redeem(code=voucher.code, staff=staff)


class TestUndo:
    def test_within_the_window_the_person_who_redeemed_it_undoes_it(
        self, redeemed, staff, clock, settings
    ):
        settings.REDEEM_UNDO_MINUTES = 10
        clock.advance(minutes=9, seconds=59)
        body = success(client_for(staff), "post", undo_path(redeemed)).json()
        assert (body["status"], body["redeemed_at"]) == ("issued", None)
        redeemed.refresh_from_db()
        assert (redeemed.status, redeemed.redeemed_by, redeemed.redemptions_undone) == (
            "issued",
            None,
            1,
        )
        undo = LedgerTransaction.objects.get(idempotency_key__contains="redeem-undo")
        assert undo.kind == "reverse" and undo.reverses.kind == "redeem"
        call_command("ledger_audit")

    def test_after_the_window_it_is_too_late(self, redeemed, staff, clock, settings):
        settings.REDEEM_UNDO_MINUTES = 10
        clock.advance(minutes=10, seconds=1)
        body = error(
            client_for(staff), "post", undo_path(redeemed), status=409, code="undo_too_late"
        )
        assert "within 10 minutes" in body["detail"]
        redeemed.refresh_from_db()
        assert redeemed.status == "redeemed"

    def test_zero_minutes_turns_undo_off(self, redeemed, staff, settings):
        settings.REDEEM_UNDO_MINUTES = 0
        error(client_for(staff), "post", undo_path(redeemed), status=409, code="undo_too_late")

    def test_a_manager_of_the_venue_may_undo_a_colleagues_redemption(self, redeemed, venue, clock):
        clock.advance(minutes=2)
        success(client_for(venue_manager_of(venue)), "post", undo_path(redeemed))

    def test_another_staff_member_or_another_venues_manager_may_not(self, redeemed, venue):
        for user in (venue_staff_of(venue), venue_manager_of(VenueFactory()), redeemed.resident):
            error(
                client_for(user),
                "post",
                undo_path(redeemed),
                status=403,
                code="permission_denied",
            )

    def test_an_issued_voucher_is_not_redeemed(self, voucher, staff):
        error(client_for(staff), "post", undo_path(voucher), status=409, code="not_redeemed")
        error(
            client_for(staff),
            "post",
            "/api/v1/vouchers/00000000-0000-0000-0000-000000000000/undo-redeem/",
            status=404,
            code="not_found",
        )

    def test_an_undone_voucher_redeems_again_once_and_undoes_again(self, redeemed, staff, clock):
        desk = client_for(staff)
        success(desk, "post", undo_path(redeemed))
        success(desk, "post", REDEEM, {"code": redeemed.code})
        error(desk, "post", REDEEM, {"code": redeemed.code}, status=409, code="already_redeemed")
        success(desk, "post", undo_path(redeemed))
        success(desk, "post", REDEEM, {"code": redeemed.code})
        redeemed.refresh_from_db()
        assert (redeemed.status, redeemed.redemptions_undone) == ("redeemed", 2)
        assert LedgerTransaction.objects.filter(kind="redeem").count() == 3
        call_command("ledger_audit")

    def test_undoing_twice_at_once_undoes_once(self, redeemed, staff):
        desk = client_for(staff)
        success(desk, "post", undo_path(redeemed))
        error(desk, "post", undo_path(redeemed), status=409, code="not_redeemed")


class TestRedeemWithAKey:
    def test_a_double_tap_with_one_key_replays_redeemed(self, voucher, staff):
        desk = client_for(staff)
        first = success(desk, "post", REDEEM, {"code": voucher.code}, HTTP_IDEMPOTENCY_KEY="tap-1")
        again = success(desk, "post", REDEEM, {"code": voucher.code}, HTTP_IDEMPOTENCY_KEY="tap-1")
        assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
        assert Voucher.objects.get().status == "redeemed"

    def test_a_new_key_is_a_new_attempt(self, voucher, staff):
        desk = client_for(staff)
        success(desk, "post", REDEEM, {"code": voucher.code}, HTTP_IDEMPOTENCY_KEY="tap-1")
        error(
            desk,
            "post",
            REDEEM,
            {"code": voucher.code},
            status=409,
            code="already_redeemed",
            HTTP_IDEMPOTENCY_KEY="tap-2",
        )
