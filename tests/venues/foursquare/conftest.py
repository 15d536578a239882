import re

import pytest

from tests.venues.foursquare.fake_foursquare import FakeFoursquare


@pytest.fixture
def foursquare(httpserver, settings) -> FakeFoursquare:
    """A fake Foursquare on loopback, with the client pointed at it."""
    fake = FakeFoursquare()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    settings.FOURSQUARE_API_BASE = httpserver.url_for("/").rstrip("/")
    return fake
