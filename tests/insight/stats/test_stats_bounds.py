"""Stats ranges are dates of this century: a far-future or far-past date is 400, never a 500."""

import pytest

from tests.api import error, success
from tests.conftest import client_for
from tests.factories import VenueFactory, council_admin_of, venue_manager_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["from=9999-12-30", "to=9999-12-31", "from=0001-01-01&to=0001-01-02", "to=0001-01-01"],
)
def test_a_date_outside_the_century_is_invalid(query):
    venue = VenueFactory()
    body = error(
        client_for(venue_manager_of(venue)),
        "get",
        f"/api/v1/venues/{venue.id}/stats/?{query}",
        status=400,
        code="invalid",
    )
    assert set(body["fields"]) <= {"from", "to"}


def test_the_council_stats_refuse_a_far_future_date_too():
    venue = VenueFactory()
    path = f"/api/v1/councils/{venue.council.slug}/stats/?from=9999-12-30&to=9999-12-31"
    error(client_for(council_admin_of(venue.council)), "get", path, status=400, code="invalid")


def test_the_edges_of_the_century_are_accepted():
    venue = VenueFactory()
    path = f"/api/v1/venues/{venue.id}/stats/?from=2099-12-01&to=2099-12-31"
    success(client_for(venue_manager_of(venue)), "get", path)
