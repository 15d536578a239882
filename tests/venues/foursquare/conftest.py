import re

import pytest

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
