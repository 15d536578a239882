"""Two councils for the back-office tests: Mine (venues A and B) and Theirs (venue C), an offer
and a catalog item at each venue and a council-wide one of each council, all made by the
services; and a signed-in client per role."""

from types import SimpleNamespace

import pytest
from django.test import Client

from rewards.catalog.services import catalog_item_create
from rewards.offers.services import offer_create
from tests.factories import (
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _offer(title, *, council=None, venue=None):
    return offer_create(
        council=council, venue=venue, created_by=None, title=title, rule="every_checkin", points=5
    )


def _item(title, *, council, venue=None):
    return catalog_item_create(council=council, venue=venue, title=title, cost_points=10, stock=4)


@pytest.fixture
def world(db):
    mine, theirs = CouncilFactory(name="Mine"), CouncilFactory(name="Theirs")
    a, b = VenueFactory(council=mine, name="Venue A"), VenueFactory(council=mine, name="Venue B")
    c = VenueFactory(council=theirs, name="Venue C")
    return SimpleNamespace(
        mine=mine,
        theirs=theirs,
        a=a,
        b=b,
        c=c,
        offers=SimpleNamespace(
            a=_offer("Swim at A", venue=a),
            b=_offer("Swim at B", venue=b),
            c=_offer("Swim at C", venue=c),
            mine=_offer("Anywhere in Mine", council=mine),
            theirs=_offer("Anywhere in Theirs", council=theirs),
        ),
        items=SimpleNamespace(
            a=_item("Mug at A", council=mine, venue=a),
            b=_item("Mug at B", council=mine, venue=b),
            c=_item("Mug at C", council=theirs, venue=c),
            mine=_item("Mine's mug", council=mine),
        ),
    )


@pytest.fixture
def clients(world):
    return SimpleNamespace(
        superuser=signed_in(UserFactory(is_superuser=True, is_staff=True)),
        council_admin=signed_in(council_admin_of(world.mine)),
        manager=signed_in(venue_manager_of(world.a)),
        staff=signed_in(venue_staff_of(world.a)),
        resident=signed_in(UserFactory()),
    )


def listed(client, path) -> set:
    response = client.get(path)
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}
