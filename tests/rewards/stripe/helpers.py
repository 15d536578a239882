"""Shared steps of the Stripe tests: an offer with a coupon, a check-in that issues its voucher."""

from django.utils import timezone

from rewards.models import StripePromotionCode, Voucher
from rewards.offers.services import offer_create
from tests.api import success
from tests.conftest import client_for


def swim_offer(venue, coupon="FREESWIM", **fields):
    return offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Free swim",
        rule="every_checkin",
        points=0,
        voucher_title="Free swim at the leisure centre",
        stripe_coupon_id=coupon,
        **fields,
    )


def check_in(resident, venue):
    return success(
        client_for(resident),
        "post",
        "/api/v1/checkins/",
        {
            "venue": str(venue.id),
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "accuracy_m": 10.0,
        },
        status=201,
    ).json()


def issue_voucher(resident, venue, django_capture_on_commit_callbacks, *, run=True) -> Voucher:
    with django_capture_on_commit_callbacks(execute=run):
        check_in(resident, venue)
    return Voucher.objects.get(resident=resident)


def due_now(voucher):
    StripePromotionCode.objects.filter(pk=voucher.pk).update(next_attempt_at=timezone.now())
