"""The sync as production runs it: the API queues it, a real Celery worker (a separate
process, on PostgreSQL and Redis) runs it against the fake Foursquare, the venue gets linked."""

import pytest
from django.conf import settings as django_settings

from tests.api import success
from tests.celery_worker import running_worker, wait_until
from tests.conftest import client_for, is_postgresql
from tests.factories import CouncilFactory, VenueFactory, venue_manager_of
from tests.venues.foursquare.fake_foursquare import API_VERSION, SERVICE_KEY, library_place
from tests.venues.foursquare.helpers import BARKING_ID
from venues.models import FoursquarePlace, Venue

pytestmark = pytest.mark.foursquare_serves_match


@pytest.mark.skipif(
    not (is_postgresql and django_settings.CELERY_BROKER_URL),
    reason="needs PostgreSQL and Redis: a worker process cannot see SQLite's test database; "
    "CI's second pass runs it",
)
@pytest.mark.django_db(transaction=True)
def test_a_sync_queued_through_the_api_is_run_by_a_worker(foursquare, settings):
    foursquare.add(
        library_place(
            BARKING_ID,
            "Barking Library",
            latitude=51.53640,
            longitude=0.07998,
            address="2 Town Square",
            locality="Barking",
            postcode="IG11 7NB",
        )
    )
    venue = VenueFactory(
        council=CouncilFactory(name="Barking and Dagenham"),
        name="Barking",
        address="2 Town Square, Barking",
        postcode="IG11 7NB",
        latitude=51.536387,
        longitude=0.079994,
    )
    manager = client_for(venue_manager_of(venue))

    worker_env = {
        "FOURSQUARE_API_KEY": SERVICE_KEY,
        "FOURSQUARE_API_BASE": settings.FOURSQUARE_API_BASE,
        "FOURSQUARE_API_VERSION": API_VERSION,
    }
    with running_worker(extra_env=worker_env):
        success(manager, "post", f"/api/v1/venues/{venue.pk}/foursquare-sync/", status=202)

        def linked() -> bool:
            return Venue.objects.get(pk=venue.pk).foursquare_status == "linked"

        assert wait_until(linked, timeout=30), (
            Venue.objects.get(pk=venue.pk).foursquare_error or "still pending"
        )

    linked_venue = Venue.objects.get(pk=venue.pk)
    assert linked_venue.foursquare_place_id == BARKING_ID
    assert FoursquarePlace.objects.get(venue=venue).name == "Barking Library"
    # It was the worker, not this process, that asked Foursquare.
    [match] = foursquare.calls("GET", "/places/match")
    assert match["headers"]["Authorization"] == f"Bearer {SERVICE_KEY}"
