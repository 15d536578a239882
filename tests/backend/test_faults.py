"""Fault injection: what is left when something fails half-way.

A database connection lost in the middle of a rewarding check-in, Stripe and Foursquare hanging,
failing or talking nonsense. Each time nothing
is half-written, nothing escapes as an exception, and the ledger's audit stays clean.
"""

import json
import re
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from werkzeug import Response

from checkins.models import CheckIn
from rewards.ledger.models import Entry, LedgerTransaction
from rewards.models import StripePromotionCode, Voucher
from rewards.offers import earning
from rewards.offers.services import offer_create
from rewards.schemes.models import PointsLot
from rewards.stripe.tasks import stripe_outbox_drain
from rewards.wallet.selectors import points_balance
from tests.api import success
from tests.conftest import client_for
from tests.factories import CouncilFactory, UserFactory, VenueFactory
from tests.rewards.stripe.fake_stripe import FakeStripe
from tests.venues.foursquare.fake_foursquare import FakeFoursquare, library_place
from venues.foursquare.tasks import foursquare_nightly_sync
from venues.models import Venue


def assert_ledger_audit_passes() -> None:
    call_command("ledger_audit")  # exits non-zero (SystemExit) on any breach


def gps(venue) -> dict:
    return {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }


def points_offer(venue, points=10):
    return offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Ten points a visit",
        rule="every_checkin",
        points=points,
    )


# --- The database connection drops in the middle of a rewarding check-in ---


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_while_posting_the_reward_leaves_nothing_and_the_retry_succeeds(
    monkeypatch,
):
    venue = VenueFactory(radius_m=50)
    points_offer(venue)
    resident = UserFactory()
    client = client_for(resident)
    real_post = earning.ledger_post_fresh

    def connection_lost(*args, **kwargs):
        # The CheckIn row is written by now; the server goes away before the ledger is.
        assert CheckIn.objects.filter(resident=resident).exists()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(earning, "ledger_post_fresh", connection_lost)
    response = client.post("/api/v1/checkins/", gps(venue), HTTP_IDEMPOTENCY_KEY="phone-1")

    # The database went away: 503 (try again), and the key was released for that retry.
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable" and response["Retry-After"]
    assert not CheckIn.objects.exists()
    assert not LedgerTransaction.objects.exists() and not Entry.objects.exists()
    assert not PointsLot.objects.exists()
    assert_ledger_audit_passes()

    monkeypatch.setattr(earning, "ledger_post_fresh", real_post)
    first = success(
        client, "post", "/api/v1/checkins/", gps(venue), status=201, HTTP_IDEMPOTENCY_KEY="phone-1"
    )
    again = success(
        client, "post", "/api/v1/checkins/", gps(venue), status=201, HTTP_IDEMPOTENCY_KEY="phone-1"
    )
    assert again.json() == first.json()
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert points_balance(resident=resident) == 10
    assert PointsLot.objects.filter(resident=resident).count() == 1
    assert_ledger_audit_passes()


# --- Stripe misbehaving ---

HANG = "hang"
GARBAGE = "garbage"


@pytest.fixture
def misbehaving_stripe(httpserver, settings):
    """The fake Stripe, except that the next request gets ``misbehaving_stripe.mode``."""
    fake = FakeStripe(api_version=settings.STRIPE_API_VERSION)
    state = {"mode": None}

    def handle(request):
        mode, state["mode"] = state["mode"], None
        if mode == HANG:
            time.sleep(0.6)
            return Response("{}", status=200, content_type="application/json")
        if mode == GARBAGE:
            return Response("<html>Bad gateway</html>", status=200, content_type="text/html")
        if isinstance(mode, int):
            return Response(
                json.dumps({"error": {"type": "api_error", "message": f"Fault {mode}"}}),
                status=mode,
                content_type="application/json",
                headers={"Retry-After": "1"} if mode == 429 else {},
            )
        return fake.handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)
    settings.STRIPE_API_BASE = httpserver.url_for("/").rstrip("/")
    settings.STRIPE_TIMEOUT_SECONDS = 0.3
    fake.state = state
    return fake


@pytest.mark.django_db
@pytest.mark.parametrize("fault", [HANG, 500, 429, GARBAGE])
def test_stripe_failing_leaves_the_code_pending_for_the_drain(
    misbehaving_stripe, fault, django_capture_on_commit_callbacks
):
    venue = VenueFactory(radius_m=50)
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Free swim",
        rule="every_checkin",
        points=0,
        voucher_title="Free swim",
        stripe_coupon_id="FREESWIM",
    )
    resident = UserFactory()
    misbehaving_stripe.state["mode"] = fault

    with django_capture_on_commit_callbacks(execute=True):  # no exception escapes the request
        success(client_for(resident), "post", "/api/v1/checkins/", gps(venue), status=201)

    voucher = Voucher.objects.get(resident=resident)
    row = StripePromotionCode.objects.get(pk=voucher.pk)
    assert (row.state, row.attempts, row.promotion_code_id) == ("pending", 1, "")
    assert row.last_error and row.next_attempt_at > timezone.now()
    assert_ledger_audit_passes()
    time.sleep(0.4 if fault == HANG else 0)  # the one-thread fake finishes the abandoned request

    # Stripe is back: the drain makes the code, once.
    StripePromotionCode.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert stripe_outbox_drain.delay().get() == {"queued": 1}
    row.refresh_from_db()
    assert row.state == "created" and row.promotion_code_id.startswith("promo_")
    assert len(misbehaving_stripe.promotion_codes) == 1
    assert_ledger_audit_passes()


# --- Foursquare misbehaving ---


@pytest.fixture
def foursquare(httpserver, settings) -> FakeFoursquare:
    fake = FakeFoursquare()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    settings.FOURSQUARE_API_BASE = httpserver.url_for("/").rstrip("/")
    settings.FOURSQUARE_READ_TIMEOUT_SECONDS = 0.2
    settings.FOURSQUARE_MAX_RETRIES = 0
    return fake


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"status": 200, "delay_seconds": 0.35}, "did not answer in time"),
        ({"status": 500}, "500"),
        ({"status": 429, "headers": {"Retry-After": "1"}}, "rate limit"),
        ({"status": 200, "body": b"<html>not json</html>"}, ""),
    ],
    ids=["hang", "500", "429", "garbage"],
)
def test_foursquare_failing_marks_the_venue_in_error_and_the_nightly_run_goes_on(
    foursquare, fault, reason
):
    council = CouncilFactory()
    venue = VenueFactory(council=council, name="Barking", postcode="IG11 7NB")
    foursquare.add(
        library_place(
            "4b0588a0f964a5203ad422e3",
            "Barking",
            latitude=venue.latitude,
            longitude=venue.longitude,
            address="2 Town Square",
            locality="Barking",
            postcode="IG11 7NB",
        )
    )
    foursquare.fail("/places/match", **fault)

    foursquare_nightly_sync.delay().get()  # the beat's task: no exception escapes it

    venue = Venue.objects.get(pk=venue.pk)
    assert venue.foursquare_status == "error"
    assert reason in venue.foursquare_error
    assert_ledger_audit_passes()
    time.sleep(0.2)  # the one-thread fake finishes an abandoned request
