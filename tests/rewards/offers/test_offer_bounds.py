"""Nothing a manager saves can stop check-ins: absurd values are refused when saved (API, service
and database), and an offer that fails anyway is skipped while the check-in and the others stand."""

import logging

import pytest
from django.db import IntegrityError

from rewards.models import Offer, RewardGrant
from rewards.offers import earning
from rewards.offers.services import offer_create
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of

pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/offers/"
BOUNDED = {
    "points",
    "voucher_valid_days",
    "every_n",
    "window_days",
    "max_rewards",
    "per_user_limit",
}


@pytest.fixture(autouse=True)
def _no_cooldown(settings):
    settings.CHECKIN_COOLDOWN_SECONDS = 0


@pytest.fixture
def venue():
    return VenueFactory(radius_m=50)


def gps(venue):
    return {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }


def offer_body(venue, **fields):
    return {"venue": str(venue.id), "title": "Ten", "rule": "every_checkin", "points": 10, **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {"points": 0, "voucher_title": "Tea", "voucher_valid_days": 3_000_000},
        {"rule": "frequency", "every_n": 2, "window_days": 1_000_000},
        {"points": 2**31},
        {"rule": "nth_checkin", "every_n": 2**40},
        {"max_rewards": 2**31},
        {"per_user_limit": 2**31},
    ],
)
def test_absurd_offer_values_are_refused_when_saved(venue, fields):
    manager = client_for(venue_manager_of(venue))
    body = error(manager, "post", OFFERS, offer_body(venue, **fields), status=400, code="invalid")
    assert set(body["fields"]) <= BOUNDED
    assert not Offer.objects.exists()


def test_a_change_to_an_absurd_window_is_refused(venue):
    offer = offer_create(
        council=None, venue=venue, created_by=None, title="T", rule="every_checkin", points=5
    )
    manager = client_for(venue_manager_of(venue))
    error(
        manager,
        "patch",
        f"{OFFERS}{offer.id}/",
        {"voucher_valid_days": 3_000_000},
        status=400,
        code="invalid",
    )


def test_the_service_refuses_values_over_the_maxima(venue):
    with pytest.raises(Exception) as raised:
        offer_create(
            council=None,
            venue=venue,
            created_by=None,
            title="T",
            rule="frequency",
            points=5,
            every_n=2,
            window_days=1_000_000,
        )
    assert "window_days" in raised.value.extra["fields"]


def test_the_database_holds_the_maxima(venue):
    offer = offer_create(
        council=None, venue=venue, created_by=None, title="T", rule="every_checkin", points=5
    )
    with pytest.raises(IntegrityError):
        Offer.objects.filter(pk=offer.pk).update(points=1_000_001)


def test_an_offer_that_fails_is_skipped_and_the_checkin_and_other_offers_stand(
    venue, monkeypatch, caplog
):
    broken = offer_create(
        council=venue.council,
        venue=None,
        created_by=None,
        title="Broken council-wide",
        rule="every_checkin",
        points=7,
    )
    working = offer_create(
        council=None, venue=venue, created_by=None, title="Ok", rule="every_checkin", points=10
    )
    real_earns = earning._rule_pays

    def earns(offer, *args):
        if offer.pk == broken.pk:
            raise OverflowError("date value out of range")
        return real_earns(offer, *args)

    monkeypatch.setattr(earning, "_rule_pays", earns)
    resident = UserFactory()
    with caplog.at_level(logging.ERROR, logger="rewards.offers.earning"):
        body = success(client_for(resident), "post", "/api/v1/checkins/", gps(venue), status=201)
    assert body.json()["points_earned"] == 10
    assert [reward["offer"] for reward in body.json()["rewards"]] == [str(working.id)]
    assert RewardGrant.objects.get().offer == working
    assert str(broken.pk) in caplog.text
