"""A Celery worker killed in the middle of a task (a deploy's SIGKILL, an OOM kill): the task
goes back to the queue and the next worker runs it, and it takes effect once.

Needs PostgreSQL and Redis (a real worker process; see tests/celery_worker.py).
"""

import re
import signal
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from rewards.models import StripePromotionCode, Voucher
from rewards.offers.services import offer_create
from rewards.stripe.tasks import stripe_promotion_code_create
from tests.api import success
from tests.celery_worker import running_worker, wait_until
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory
from tests.rewards.stripe.fake_stripe import FakeStripe

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL,
        reason="needs PostgreSQL and Redis (a real worker process); CI runs it",
    ),
    pytest.mark.django_db(transaction=True),
]

# The broker hands a task that was never acknowledged to another worker once this many seconds
# have passed since it was delivered (production: an hour, above the tasks' time limits).
VISIBILITY_SECONDS = 6


def test_a_worker_killed_mid_task_hands_it_on_and_the_promotion_code_is_made_once(
    httpserver, settings
):
    fake = FakeStripe(api_version=settings.STRIPE_API_VERSION)
    first_call_arrived, let_it_finish = threading.Event(), threading.Event()
    creations = []

    def stripe(request):
        if request.method == "POST" and request.path == "/v1/promotion_codes":
            creations.append(request.headers.get("Idempotency-Key"))
            if len(creations) == 1:  # the first worker's call: it dies while waiting here
                first_call_arrived.set()
                let_it_finish.wait(30)
        return fake.handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(stripe)
    settings.STRIPE_API_KEY = ""  # the voucher is issued here; Stripe is the workers' business
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
    success(client_for(resident), "post", "/api/v1/checkins/", gps_at(venue), status=201)
    voucher = Voucher.objects.get(resident=resident)
    assert StripePromotionCode.objects.get(pk=voucher.pk).state == "pending"
    due_now(voucher)  # the attempt without a key (above) made it wait a minute

    worker_env = {
        "STRIPE_API_KEY": "sk_test_fake_council_checkins",
        "STRIPE_API_BASE": httpserver.url_for("/").rstrip("/"),
        "STRIPE_TIMEOUT_SECONDS": "40",
        "STRIPE_MAX_NETWORK_RETRIES": "0",
        "CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS),
        "CELERY_TASK_TIME_LIMIT_SECONDS": str(VISIBILITY_SECONDS - 1),
        "CELERY_TASK_SOFT_TIME_LIMIT_SECONDS": str(VISIBILITY_SECONDS - 2),
    }
    with running_worker(extra_env=worker_env) as first_worker:
        stripe_promotion_code_create.delay(str(voucher.pk))
        assert first_call_arrived.wait(30), "the first worker never called Stripe"
        sent_at = time.monotonic()
        first_worker.send_signal(signal.SIGKILL)
        first_worker.wait(10)
    let_it_finish.set()  # Stripe made the code, but the worker that asked is gone

    time.sleep(max(0.0, sent_at + VISIBILITY_SECONDS + 1 - time.monotonic()))
    # In production the broker waits an hour before handing the task on, far past the 5-minute
    # lease the dead worker took on the row (rewards.stripe.outbox.LEASE); here it waits seconds,
    # so the lease is let run out by hand.
    due_now(voucher)
    with running_worker(extra_env=worker_env, purge=False):
        made = wait_until(
            lambda: StripePromotionCode.objects.get(pk=voucher.pk).state == "created",
            timeout=40,
        )
        assert made, "no worker took the killed worker's task over"

    row = StripePromotionCode.objects.get(pk=voucher.pk)
    assert len(creations) == 2 and creations[0] == creations[1]  # the same idempotency key
    assert list(fake.promotion_codes) == [row.promotion_code_id]  # one code, whatever happened


def due_now(voucher) -> None:
    StripePromotionCode.objects.filter(pk=voucher.pk).update(next_attempt_at=timezone.now())


def gps_at(venue) -> dict:
    return {
        "venue": str(venue.pk),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }
