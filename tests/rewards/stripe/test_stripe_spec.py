"""Stripe as its spec and documentation say it behaves: idempotency keys replay 500s, coupons
end (``redeem_by``), a completed checkout may be unpaid, and an endpoint's API version decides
whether sessions carry ``discounts``."""

import logging
from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

from backend.errors import ApplicationError
from rewards.models import StripeEvent, StripePromotionCode, Voucher
from rewards.stripe.outbox import voucher_promotion_code_create
from rewards.stripe.webhooks import stripe_event_record
from tests.rewards.stripe.fake_stripe import SECRET_KEY, checkout_completed
from tests.rewards.stripe.helpers import due_now, issue_voucher, swim_offer
from tests.rewards.stripe.spec_schemas import (
    assert_answers_match_the_spec,
    assert_event_session_matches_the_spec,
)

pytestmark = pytest.mark.django_db


class TestReplayedFailures:
    def test_a_500_stripe_replays_is_retried_under_a_new_key_after_a_lookup(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        stripe_api.fail(500, method="POST")
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        assert StripePromotionCode.objects.get(pk=voucher.pk).state == "pending"

        due_now(voucher)
        assert voucher_promotion_code_create(voucher_id=voucher.pk) == "created"

        lookups = [
            r
            for r in stripe_api.requests
            if r["method"] == "GET" and r["path"] == "/v1/promotion_codes"
        ]
        assert lookups and lookups[0]["args"]["code"] == voucher.code
        keys = [call["headers"]["Idempotency-Key"] for call in stripe_api.creations()]
        assert keys == [
            f"voucher-{voucher.pk}-promotion-code",
            f"voucher-{voucher.pk}-promotion-code-1",
        ]
        assert len(stripe_api.promotion_codes) == 1


class TestCouponChecked:
    def test_an_unknown_coupon_is_refused_when_the_offer_is_saved(self, stripe_api, venue):
        with pytest.raises(ApplicationError) as refused:
            swim_offer(venue, coupon="FREESWMI")
        assert refused.value.code == "invalid_coupon"
        assert "No such coupon" in str(refused.value.detail)

    def test_a_coupon_no_longer_valid_is_refused(self, stripe_api, venue):
        stripe_api.add_coupon("USEDUP", valid=False)
        with pytest.raises(ApplicationError) as refused:
            swim_offer(venue, coupon="USEDUP")
        assert refused.value.code == "invalid_coupon"

    def test_a_coupon_ending_before_the_offers_vouchers_is_refused(self, stripe_api, venue):
        ends = timezone.now() + timedelta(days=30)
        stripe_api.add_coupon("SUMMER", redeem_by=int((ends + timedelta(days=10)).timestamp()))

        with pytest.raises(ApplicationError) as refused:
            swim_offer(venue, coupon="SUMMER", ends_at=ends, voucher_valid_days=14)
        assert refused.value.code == "invalid_coupon"
        assert "redeem_by" in str(refused.value.detail)

        offer = swim_offer(venue, coupon="SUMMER", ends_at=ends, voucher_valid_days=7)
        assert offer.stripe_coupon_id == "SUMMER"

    def test_the_api_answers_400_invalid_coupon(self, stripe_api, venue):
        from tests.api import error
        from tests.conftest import client_for
        from tests.factories import venue_manager_of

        error(
            client_for(venue_manager_of(venue)),
            "post",
            "/api/v1/offers/",
            {
                "venue": str(venue.pk),
                "title": "Free swim",
                "rule": "every_checkin",
                "points": 0,
                "voucher_title": "Free swim",
                "stripe_coupon_id": "NOPE",
                "is_active": True,
            },
            status=400,
            code="invalid_coupon",
        )

    def test_without_stripe_the_check_is_skipped_with_a_warning(self, venue, settings, caplog):
        settings.STRIPE_API_KEY = ""
        with caplog.at_level(logging.WARNING):
            offer = swim_offer(venue, coupon="ANYTHING")
        assert offer.pk
        assert "not checked" in caplog.text


class TestPaymentStatus:
    @pytest.fixture
    def voucher(self, stripe_api, venue, resident, django_capture_on_commit_callbacks):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        voucher.refresh_from_db()
        return voucher

    def test_an_unpaid_checkout_does_not_redeem_until_its_payment_succeeds(self, voucher):
        code = voucher.stripe_promotion_code
        outcome = stripe_event_record(
            event=checkout_completed("evt_a", code, payment_status="unpaid")
        )
        assert outcome.startswith("awaiting payment")
        assert Voucher.objects.get(pk=voucher.pk).status == "issued"

        paid = checkout_completed(
            "evt_b", code, event_type="checkout.session.async_payment_succeeded"
        )
        assert stripe_event_record(event=paid) == "redeemed 1 voucher(s)"
        assert Voucher.objects.get(pk=voucher.pk).status == "redeemed"

    def test_a_failed_payment_is_recorded_and_the_voucher_stays_issued(self, voucher):
        failed = checkout_completed(
            "evt_c",
            voucher.stripe_promotion_code,
            payment_status="unpaid",
            event_type="checkout.session.async_payment_failed",
        )
        outcome = stripe_event_record(event=failed)
        assert outcome.startswith("payment failed")
        assert StripeEvent.objects.get(event_id="evt_c").outcome == outcome
        assert Voucher.objects.get(pk=voucher.pk).status == "issued"

    def test_a_free_checkout_redeems_at_once(self, voucher):
        event = checkout_completed(
            "evt_d", voucher.stripe_promotion_code, payment_status="no_payment_required"
        )
        assert stripe_event_record(event=event) == "redeemed 1 voucher(s)"


def test_an_event_from_an_endpoint_without_discounts_is_logged_and_recorded(
    stripe_api, venue, resident, django_capture_on_commit_callbacks, caplog
):
    swim_offer(venue)
    voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
    voucher.refresh_from_db()
    event = checkout_completed(
        "evt_old", voucher.stripe_promotion_code, api_version="2024-12-18.acacia"
    )

    with caplog.at_level(logging.ERROR):
        outcome = stripe_event_record(event=event)

    assert "2024-12-18.acacia" in outcome and "discounts" in outcome
    assert StripeEvent.objects.get(event_id="evt_old").outcome == outcome[:200]
    assert any(
        r.levelno == logging.ERROR and "2025-01-27" in r.getMessage() for r in caplog.records
    )


def test_every_kind_of_answer_the_fake_gives_fits_the_spec(stripe_api, settings):
    client = stripe.StripeClient(
        SECRET_KEY,
        stripe_version=settings.STRIPE_API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=0,
    )
    soon = int((timezone.now() + timedelta(days=5)).timestamp())
    stripe_api.add_coupon("ENDING", redeem_by=soon)
    client.v1.coupons.retrieve("FREESWIM")
    made = client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": "FREESWIM"}, "code": "ABC123"},
        options={"idempotency_key": "k1"},
    )
    client.v1.promotion_codes.list(params={"code": "ABC123"})
    client.v1.promotion_codes.update(made.id, params={"active": False})
    with pytest.raises(stripe.InvalidRequestError) as late:
        client.v1.promotion_codes.create(
            params={
                "promotion": {"type": "coupon", "coupon": "ENDING"},
                "code": "LATE1",
                "expires_at": soon + 60,
            }
        )
    assert late.value.param == "expires_at"
    for refused in (
        lambda: client.v1.coupons.retrieve("NOPE"),
        lambda: client.v1.promotion_codes.update("promo_none", params={"active": False}),
    ):
        with pytest.raises(stripe.InvalidRequestError):
            refused()
    stripe_api.fail(500, method="POST")
    for _ in range(2):  # the second is Stripe's replay of the first
        with pytest.raises(stripe.APIError):
            client.v1.promotion_codes.create(
                params={"promotion": {"type": "coupon", "coupon": "FREESWIM"}, "code": "XYZ"},
                options={"idempotency_key": "k2"},
            )
    assert stripe_api.creations()[-1]["path"] == "/v1/promotion_codes"
    assert {a["status"] for a in stripe_api.answers} >= {200, 400, 404, 500}
    assert_answers_match_the_spec(stripe_api.answers)
    for payment_status in ("paid", "unpaid", "no_payment_required"):
        assert_event_session_matches_the_spec(
            checkout_completed("evt", "promo_1", payment_status=payment_status)
        )
    assert_event_session_matches_the_spec(checkout_completed("evt", api_version="2024-12-18"))
