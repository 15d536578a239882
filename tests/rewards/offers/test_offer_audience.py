"""Offers for children, adults or everyone (issue 25): the earning rule honours the audience,
and an offer for children accepts what a child shows without a location."""

import pytest
from django.utils import timezone

from accounts.children.services import child_add
from checkins.models import CheckIn
from rewards.schemes.selectors import points_balances
from tests.api import error, success
from tests.checkins.helpers import CHECKINS, LEEDS, gps
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def points_of(user) -> int:
    return sum(balance["points"] for balance in points_balances(user))


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


def offer(manager_client, venue, **fields) -> dict:
    body = {
        "title": "Summer reading challenge",
        "rule": "every_checkin",
        "points": 5,
        "venue": str(venue.id),
        **fields,
    }
    return success(manager_client, "post", "/api/v1/offers/", body, status=201).json()


def test_an_offer_for_children_pays_the_child_and_not_the_adult(venue):
    manager = client_for(venue_manager_of(venue))
    made = offer(manager, venue, audience="children")
    assert made["audience"] == "children"
    assert "For children and young people under 18." in made["summary"]
    parent = UserFactory(birth_year=THIS_YEAR - 40)
    sam = child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 9)
    poster = poster_create(venue=venue, label="Door", created_by=None)
    client = client_for(parent)
    child_visit = success(
        client,
        "post",
        CHECKINS,
        {"qr_token": poster.token, "for_child": str(sam.pk)},
        status=201,
    ).json()
    assert child_visit["points_earned"] == 5  # the poster alone earns a children's offer
    CheckIn.objects.all().delete()  # no cooldown between the two visits below
    own_visit = success(client, "post", CHECKINS, gps(venue), status=201).json()
    assert own_visit["points_earned"] == 0 and own_visit["not_earned"] == []
    assert (points_of(sam), points_of(parent)) == (5, 0)


def test_an_offer_for_adults_does_not_pay_a_teenager(venue):
    manager = client_for(venue_manager_of(venue))
    offer(manager, venue, audience="adults")
    teen = UserFactory(birth_year=THIS_YEAR - 16)
    adult = UserFactory(birth_year=THIS_YEAR - 30)
    assert (
        success(client_for(teen), "post", CHECKINS, gps(venue), status=201).json()["points_earned"]
        == 0
    )
    assert (
        success(client_for(adult), "post", CHECKINS, gps(venue), status=201).json()["points_earned"]
        == 5
    )


def test_an_offer_for_everyone_by_default_pays_both(venue):
    manager = client_for(venue_manager_of(venue))
    assert offer(manager, venue)["audience"] == "everyone"
    teen = UserFactory(birth_year=THIS_YEAR - 15)
    assert (
        success(client_for(teen), "post", CHECKINS, gps(venue), status=201).json()["points_earned"]
        == 5
    )


def test_an_offer_for_children_must_accept_the_poster_the_screen_and_staff(venue):
    manager = client_for(venue_manager_of(venue))
    body = error(
        manager,
        "post",
        "/api/v1/offers/",
        {
            "title": "Location only",
            "rule": "every_checkin",
            "points": 5,
            "venue": str(venue.id),
            "audience": "children",
            "accepts": ["location", "poster_and_location"],
        },
        status=400,
        code="invalid",
    )
    assert "accepts" in body["fields"]


def test_the_back_offices_offer_form_asks_who_the_offer_is_for(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/rewards/offer/add/").content.decode()
    assert 'name="audience"' in html
    assert "Children and young people (under 18)" in html
