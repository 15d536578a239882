import re

import pytest

from tests.factories import UserFactory, VenueFactory
from tests.rewards.stripe.fake_stripe import FakeStripe
from tests.rewards.stripe.spec_schemas import assert_answers_match_the_spec


@pytest.fixture
def stripe_api(httpserver, settings) -> FakeStripe:
    """A fake Stripe on loopback, with the client pointed at it; every answer it gave is checked
    against the published spec's schema fragments when the test ends."""
    fake = FakeStripe(api_version=settings.STRIPE_API_VERSION)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    settings.STRIPE_API_BASE = httpserver.url_for("/").rstrip("/")
    yield fake
    assert_answers_match_the_spec(fake.answers)


@pytest.fixture
def venue():
    return VenueFactory(radius_m=50)


@pytest.fixture
def resident():
    return UserFactory()
