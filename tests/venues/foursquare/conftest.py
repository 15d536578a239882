import re

import pytest

from tests.factories import CouncilFactory, VenueFactory
from tests.venues.foursquare.fake_foursquare import FakeFoursquare
from tests.venues.foursquare.spec_schemas import assert_answers_match_the_spec
from venues.foursquare.client import forget_missing_endpoints


@pytest.fixture
def foursquare(request, httpserver, settings) -> FakeFoursquare:
    """A fake Foursquare on loopback, with the client pointed at it. It serves /places/match
    only to tests marked ``foursquare_serves_match`` (hosts that have it); every answer it gave
    is checked against the published spec's schema fragments when the test ends."""
    fake = FakeFoursquare(
        serves_match=request.node.get_closest_marker("foursquare_serves_match") is not None
    )
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    settings.FOURSQUARE_API_BASE = httpserver.url_for("/").rstrip("/")
    forget_missing_endpoints()
    yield fake
    forget_missing_endpoints()
    assert_answers_match_the_spec(
        [a for a in fake.answers if not a["scripted"] or a["status"] >= 400]
    )


@pytest.fixture
def council():
    return CouncilFactory(name="Barking and Dagenham", slug="barking-and-dagenham")


@pytest.fixture
def barking(council):
    # The real row of the public library data.
    return VenueFactory(
        council=council,
        name="Barking",
        address="2 Town Square, Barking",
        postcode="IG11 7NB",
        latitude=51.536387,
        longitude=0.079994,
    )


@pytest.fixture
def dagenham(council):
    return VenueFactory(
        council=council,
        name="Dagenham",
        address="1 Church Elm Lane, Dagenham",
        postcode="RM10 9QS",
        latitude=51.540376,
        longitude=0.148329,
    )
