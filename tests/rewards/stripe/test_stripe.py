"""Vouchers that are Stripe promotion codes: the outbox against a fake Stripe (the real stripe
library on the wire), and the webhook that redeems them when a checkout uses one."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from rewards.models import StripeEvent, StripePromotionCode, Voucher
from rewards.offers.services import offer_create
from rewards.stripe import client as stripe_client
from rewards.stripe.outbox import voucher_promotion_code_create
from rewards.stripe.tasks import stripe_outbox_drain
from rewards.stripe.webhooks import stripe_event_record
from rewards.vouchers.redemption import voucher_redeem
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import UserFactory, venue_manager_of, venue_staff_of
from tests.rewards.stripe.fake_stripe import (
    WEBHOOK_SECRET,
    checkout_completed,
    signed_webhook,
)
from tests.rewards.stripe.helpers import check_in, due_now, issue_voucher, swim_offer

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/webhooks/stripe/"


class TestPromotionCodes:
    def test_a_voucher_of_a_stripe_offer_becomes_a_single_use_promotion_code(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)

        [call] = stripe_api.creations()
        assert call["form"] == {
            "promotion[type]": "coupon",
            "promotion[coupon]": "FREESWIM",
            "code": voucher.code,
            "max_redemptions": "1",
            "expires_at": str(int(voucher.expires_at.timestamp())),
            "metadata[voucher_id]": str(voucher.pk),
        }
        assert call["headers"]["Idempotency-Key"] == f"voucher-{voucher.pk}-promotion-code"
        assert call["headers"]["Stripe-Version"] == "2026-10-28.endive"
        voucher.refresh_from_db()
        assert voucher.stripe_promotion_code.startswith("promo_")
        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts, row.promotion_code_id) == (
            "created",
            1,
            voucher.stripe_promotion_code,
        )
        [shown] = success(client_for(resident), "get", "/api/v1/me/vouchers/").json()["results"]
        assert shown["stripe_status"] == "created"
        assert shown["stripe_promotion_code"] == voucher.stripe_promotion_code

    def test_until_stripe_answers_the_voucher_says_its_code_is_pending(
        self, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks, run=False)

        [shown] = success(client_for(resident), "get", "/api/v1/me/vouchers/").json()["results"]
        assert shown["id"] == str(voucher.pk)
        assert (shown["stripe_status"], shown["stripe_promotion_code"]) == ("pending", "")

    def test_vouchers_without_a_coupon_have_no_stripe_status(
        self, venue, resident, django_capture_on_commit_callbacks
    ):
        offer_create(
            council=None,
            venue=venue,
            created_by=None,
            title="Coffee",
            rule="every_checkin",
            points=0,
            voucher_title="Free coffee",
        )
        issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        [shown] = success(client_for(resident), "get", "/api/v1/me/vouchers/").json()["results"]
        assert shown["stripe_status"] is None
        assert not StripePromotionCode.objects.exists()

    def test_a_stripe_outage_is_retried_later_by_the_drain_without_a_second_code(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        stripe_api.fail(500)

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts) == ("pending", 1)
        assert "Scripted failure 500" in row.last_error
        assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
        assert stripe_outbox_drain.delay().get() == {"queued": 0}  # not due yet

        due_now(voucher)
        assert stripe_outbox_drain.delay().get() == {"queued": 1}

        row.refresh_from_db()
        assert (row.state, row.attempts) == ("created", 2)
        assert len(stripe_api.promotion_codes) == 1
        # Stripe replays a 500 to its key: once it was seen to hold no code, a new key.
        keys = [call["headers"]["Idempotency-Key"] for call in stripe_api.creations()]
        assert keys == [
            f"voucher-{voucher.pk}-promotion-code",
            f"voucher-{voucher.pk}-promotion-code-1",
        ]

    def test_backoff_doubles_and_the_outbox_gives_up_after_its_attempts(
        self, stripe_api, venue, resident, settings, django_capture_on_commit_callbacks
    ):
        settings.STRIPE_OUTBOX_MAX_ATTEMPTS = 3
        swim_offer(venue)
        stripe_api.fail(503, times=3)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        waits = []
        for _ in range(2):
            row = StripePromotionCode.objects.get(pk=voucher.pk)
            waits.append(row.next_attempt_at - timezone.now())
            due_now(voucher)
            voucher_promotion_code_create(voucher_id=voucher.pk)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert timedelta(seconds=55) < waits[0] <= timedelta(minutes=1)
        assert timedelta(minutes=1, seconds=55) < waits[1] <= timedelta(minutes=2)
        assert (row.state, row.attempts) == ("failed", 3)
        assert row.last_error.startswith("Gave up after 3 attempts")

    def test_an_unknown_coupon_fails_at_once_and_the_voucher_still_works_in_person(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        del stripe_api.coupons["FREESWIM"]  # deleted in Stripe after the offer was saved

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert row.state == "failed"
        assert "No such coupon" in row.last_error
        assert voucher_redeem(code=voucher.code, staff=venue_staff_of(venue)).status == "redeemed"

    def test_a_retry_after_stripe_forgot_the_key_adopts_the_code_it_made(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        voucher.refresh_from_db()
        made = voucher.stripe_promotion_code
        # As if our write of the answer had been lost: the row is pending again, a day later.
        StripePromotionCode.objects.filter(pk=voucher.pk).update(
            state="pending", promotion_code_id="", next_attempt_at=timezone.now()
        )
        stripe_api.forget_idempotency_keys()

        assert voucher_promotion_code_create(voucher_id=voucher.pk) == "created"

        assert StripePromotionCode.objects.get(pk=voucher.pk).promotion_code_id == made
        assert len(stripe_api.promotion_codes) == 1

    def test_without_a_key_the_code_waits(
        self, venue, resident, settings, django_capture_on_commit_callbacks
    ):
        settings.STRIPE_API_KEY = ""
        swim_offer(venue)

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert row.state == "pending"
        assert "set STRIPE_API_KEY" in row.last_error

    def test_a_voucher_gone_before_its_code_is_made_needs_none(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks, run=False)
        voucher_redeem(code=voucher.code, staff=venue_staff_of(venue))

        assert voucher_promotion_code_create(voucher_id=voucher.pk) == "cancelled"
        assert stripe_api.creations() == []

    def test_a_rejected_key_is_retried_until_someone_fixes_it(
        self, stripe_api, venue, resident, settings, django_capture_on_commit_callbacks
    ):
        settings.STRIPE_API_KEY = "sk_test_revoked"
        swim_offer(venue)

        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts) == ("pending", 1)
        assert "Invalid API Key" in row.last_error

    def test_without_a_key_no_attempt_is_counted(
        self, venue, resident, settings, django_capture_on_commit_callbacks
    ):
        settings.STRIPE_API_KEY = ""
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        for _ in range(3):
            due_now(voucher)
            voucher_promotion_code_create(voucher_id=voucher.pk)

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts) == ("pending", 0)
        assert row.next_attempt_at > timezone.now() + timedelta(minutes=9)

    def test_a_failed_lookup_while_adopting_is_tried_again(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        StripePromotionCode.objects.filter(pk=voucher.pk).update(
            state="pending", promotion_code_id="", next_attempt_at=timezone.now()
        )
        Voucher.objects.filter(pk=voucher.pk).update(stripe_promotion_code="")
        stripe_api.forget_idempotency_keys()
        stripe_api.fail(500, method="GET")  # the create is refused as taken; the lookup fails

        assert voucher_promotion_code_create(voucher_id=voucher.pk) == "pending"
        assert (
            "could not look the code up"
            in StripePromotionCode.objects.get(pk=voucher.pk).last_error
        )

    def test_a_row_under_lease_is_left_alone(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        stripe_api.fail(500)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        asked = len(stripe_api.requests)

        assert voucher_promotion_code_create(voucher_id=voucher.pk) == "pending"
        assert stripe_outbox_drain.delay().get() == {"queued": 0}
        assert len(stripe_api.requests) == asked

    def test_failed_codes_can_be_queued_again_by_hand(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        del stripe_api.coupons["FREESWIM"]  # deleted in Stripe after the offer was saved
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        assert StripePromotionCode.objects.get(pk=voucher.pk).state == "failed"
        stripe_api.add_coupon("FREESWIM")  # the council creates it again

        call_command("stripe_outbox_retry")
        stripe_outbox_drain.delay()

        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts) == ("created", 1)
        # A fresh key: Stripe replays a refusal to the old one for a day.
        assert stripe_api.creations()[-1]["headers"]["Idempotency-Key"] == (
            f"voucher-{voucher.pk}-promotion-code-1"
        )

    def test_a_code_made_while_the_voucher_was_used_at_the_desk_is_turned_off(
        self, stripe_api, venue, resident, monkeypatch, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks, run=False)
        real_create = stripe_client.promotion_code_create

        def create_while_staff_redeem(**kwargs):
            voucher_redeem(code=voucher.code, staff=venue_staff_of(venue))
            return real_create(**kwargs)

        monkeypatch.setattr(stripe_client, "promotion_code_create", create_while_staff_redeem)

        with django_capture_on_commit_callbacks(execute=True):
            voucher_promotion_code_create(voucher_id=voucher.pk)

        [made] = stripe_api.promotion_codes.values()
        assert made["active"] is False
        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.promotion_code_id) == ("deactivated", made["id"])
        assert Voucher.objects.get(pk=voucher.pk).stripe_promotion_code == ""

    def test_a_residents_vouchers_cost_the_same_queries_however_many(
        self,
        stripe_api,
        venue,
        resident,
        django_assert_num_queries,
        django_capture_on_commit_callbacks,
        settings,
    ):
        settings.CHECKIN_COOLDOWN_SECONDS = 0
        swim_offer(venue)
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                check_in(resident, venue)
        client = client_for(resident)

        with django_assert_num_queries(2):  # the count and the page, codes joined in
            rows = success(client, "get", "/api/v1/me/vouchers/").json()["results"]

        assert [row["stripe_status"] for row in rows] == ["created"] * 3


class TestWebhook:
    @pytest.fixture
    def voucher(self, stripe_api, venue, resident, django_capture_on_commit_callbacks):
        swim_offer(venue)
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        voucher.refresh_from_db()
        return voucher

    def post(self, api_client, event, **signing):
        payload, signature = signed_webhook(event, **signing)
        return api_client.post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    @pytest.mark.parametrize("expanded", [False, True])
    def test_a_checkout_that_used_the_code_redeems_the_voucher(self, api_client, voucher, expanded):
        event = checkout_completed("evt_1", voucher.stripe_promotion_code, expanded=expanded)

        response = self.post(api_client, event)

        assert response.status_code == 200
        assert response.json() == {"received": True, "outcome": "redeemed 1 voucher(s)"}
        voucher.refresh_from_db()
        assert voucher.status == "redeemed"
        assert voucher.redeemed_at is not None
        assert voucher.redeemed_by is None
        call_command("ledger_audit")

    def test_each_event_is_processed_once(self, api_client, voucher):
        event = checkout_completed("evt_2", voucher.stripe_promotion_code)

        first = self.post(api_client, event).json()
        again = self.post(api_client, event).json()

        assert first["outcome"] == "redeemed 1 voucher(s)"
        assert again["outcome"] == "duplicate: already processed"
        assert StripeEvent.objects.filter(event_id="evt_2").count() == 1

    @pytest.mark.parametrize(
        "signing, header",
        [
            ({"secret": "whsec_someone_else"}, None),
            ({"at": 1_600_000_000}, None),  # replayed from long ago
            ({}, "t=1,v1=deadbeef"),
            ({}, ""),
        ],
    )
    def test_a_bad_signature_is_refused_and_changes_nothing(
        self, api_client, voucher, signing, header
    ):
        payload, signature = signed_webhook(
            checkout_completed("evt_3", voucher.stripe_promotion_code), **signing
        )
        extra = {} if header == "" else {"HTTP_STRIPE_SIGNATURE": header or signature}
        response = api_client.post(WEBHOOK, data=payload, content_type="application/json", **extra)

        assert response.status_code == 400
        assert response.json()["code"] == "invalid_signature"
        voucher.refresh_from_db()
        assert voucher.status == "issued"
        assert not StripeEvent.objects.exists()

    def test_no_signature_is_refused(self, api_client):
        error(api_client, "post", WEBHOOK, {}, status=400, code="invalid_signature")

    def test_without_a_webhook_secret_nothing_is_accepted(self, api_client, voucher, settings):
        settings.STRIPE_WEBHOOK_SECRET = ""
        response = self.post(
            api_client, checkout_completed("evt_4", "promo_x"), secret=WEBHOOK_SECRET
        )
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"
        assert not StripeEvent.objects.exists()

    def test_other_events_and_unknown_codes_are_acknowledged_and_ignored(self, api_client, voucher):
        other = {**checkout_completed("evt_5"), "type": "customer.created"}
        assert self.post(api_client, other).json()["outcome"] == "ignored: customer.created"
        unknown = checkout_completed("evt_6", "promo_someone_elses")
        assert self.post(api_client, unknown).json()["outcome"] == (
            "redeemed 0 voucher(s); unknown promotion code(s): promo_someone_elses"
        )
        assert StripeEvent.objects.get(event_id="evt_6").outcome.startswith("redeemed 0")
        voucher.refresh_from_db()
        assert voucher.status == "issued"

    def test_a_voucher_used_at_the_desk_has_its_code_turned_off(
        self, api_client, stripe_api, voucher, venue, django_capture_on_commit_callbacks
    ):
        staff = venue_staff_of(venue)
        with django_capture_on_commit_callbacks(execute=True):
            voucher_redeem(code=voucher.code, staff=staff)

        assert stripe_api.promotion_codes[voucher.stripe_promotion_code]["active"] is False
        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert row.state == "deactivated"

        # Had the resident been quicker online than the deactivation, the clash is recorded.
        body = self.post(api_client, checkout_completed("evt_7", voucher.stripe_promotion_code))

        assert body.status_code == 200
        assert (
            body.json()["outcome"]
            == f"redeemed 0 voucher(s); conflict: {voucher.code} was redeemed"
        )
        voucher.refresh_from_db()
        assert (voucher.status, voucher.redeemed_by) == ("redeemed", staff)
        call_command("ledger_audit")

    def test_the_checkout_time_is_the_redemption_time_and_counts_at_the_venue(
        self, api_client, voucher, venue
    ):
        completed_at = int((timezone.now() - timedelta(minutes=3)).timestamp())
        event = {
            **checkout_completed("evt_8", voucher.stripe_promotion_code),
            "created": completed_at,
        }

        self.post(api_client, event)

        voucher.refresh_from_db()
        assert int(voucher.redeemed_at.timestamp()) == completed_at
        assert voucher.redeemed_venue == venue
        assert StripePromotionCode.objects.get(pk=voucher.pk).state == "deactivated"

    @pytest.mark.parametrize("created", [10**20, 2**63, 253402300800])
    def test_an_event_with_a_created_no_date_can_hold_is_redeemed_now_not_a_500(
        self, api_client, voucher, created
    ):
        event = {
            **checkout_completed("evt_huge", voucher.stripe_promotion_code),
            "created": created,
        }

        response = self.post(api_client, event)

        assert response.status_code == 200, response.content
        voucher.refresh_from_db()
        assert voucher.status == "redeemed"
        assert abs((voucher.redeemed_at - timezone.now()).total_seconds()) < 60
        call_command("ledger_audit")

    def test_a_checkout_after_the_voucher_lapsed_is_a_conflict(self, api_client, voucher):
        Voucher.objects.filter(pk=voucher.pk).update(
            issued_at=timezone.now() - timedelta(days=2),
            expires_at=timezone.now() - timedelta(days=1),
        )

        body = self.post(api_client, checkout_completed("evt_9", voucher.stripe_promotion_code))

        assert "conflict" in body.json()["outcome"]
        voucher.refresh_from_db()
        assert voucher.status == "issued"

    @pytest.mark.parametrize(
        "body",
        [
            [],
            "checkout",
            None,
            {"type": "checkout.session.completed"},
            {"id": "evt_10", "type": "checkout.session.completed", "data": "x"},
            {"id": "evt_11", "type": "checkout.session.completed", "data": {"object": []}},
            {"id": "evt_12", "type": 7, "data": {}},
            {
                "id": "evt_13",
                "type": "checkout.session.completed",
                "data": {"object": {"discounts": "all of them"}},
            },
        ],
    )
    def test_a_verified_body_of_another_shape_is_acknowledged_not_a_500(
        self, api_client, voucher, body
    ):
        response = self.post(api_client, body)

        assert response.status_code == 200
        assert response.json()["outcome"].startswith("ignored")
        voucher.refresh_from_db()
        assert voucher.status == "issued"

    def test_a_signed_body_that_is_not_json_is_refused(self, api_client):
        payload = "this is not json"
        _, signature = signed_webhook({})
        timestamp = signature.split(",")[0][2:]
        signed = hmac.new(
            WEBHOOK_SECRET.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
        ).hexdigest()
        response = api_client.post(
            WEBHOOK,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=f"t={timestamp},v1={signed}",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_signature"

    def test_a_failure_while_acting_leaves_no_event_behind(self, voucher, monkeypatch):
        def broken_settle(**kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr("rewards.stripe.webhooks.voucher_settle", broken_settle)

        with pytest.raises(RuntimeError):
            stripe_event_record(event=checkout_completed("evt_14", voucher.stripe_promotion_code))

        assert not StripeEvent.objects.exists()  # Stripe's next delivery tries again


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_once_redeems_once(stripe_api, venue, resident):
    swim_offer(venue)
    check_in(resident, venue)  # autocommit here: the promotion code is made at once
    voucher = Voucher.objects.get(resident=resident)
    payload, signature = signed_webhook(
        checkout_completed("evt_race", voucher.stripe_promotion_code)
    )

    def deliver(_index):

        return (
            APIClient()
            .post(
                WEBHOOK,
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )
            .json()["outcome"]
        )

    outcomes = run_in_parallel(4, deliver)

    assert sorted(outcomes) == ["duplicate: already processed"] * 3 + ["redeemed 1 voucher(s)"]
    voucher.refresh_from_db()
    assert voucher.status == "redeemed"


class TestBackOffice:
    def test_superusers_see_the_outbox_and_queue_failed_codes_again(
        self, stripe_api, venue, resident, django_capture_on_commit_callbacks
    ):
        swim_offer(venue)
        del stripe_api.coupons["FREESWIM"]  # deleted in Stripe after the offer was saved
        voucher = issue_voucher(resident, venue, django_capture_on_commit_callbacks)
        admin_client = Client()
        admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))

        page = admin_client.get("/admin/rewards/stripepromotioncode/?state=failed")
        admin_client.post(
            "/admin/rewards/stripepromotioncode/",
            {"action": "queue_failed_again", "_selected_action": [str(voucher.pk)]},
        )

        assert [row.pk for row in page.context["cl"].result_list] == [voucher.pk]
        assert "No such coupon" in page.content.decode()
        row = StripePromotionCode.objects.get(pk=voucher.pk)
        assert (row.state, row.attempts, row.key_generation) == ("pending", 0, 1)

    def test_others_do_not_see_it(self, venue):
        manager = Client()  # a venue's manager, who does use the back office
        manager.force_login(venue_manager_of(venue))
        assert manager.get("/admin/rewards/stripepromotioncode/").status_code == 403
        assert manager.get("/admin/rewards/stripeevent/").status_code == 403
