"""Foursquare as its published spec (2025-06-17) and usage terms say it behaves: no
``/places/match``, an upper-case removal reason, a 403 that means the rate limit, and place
details that may not be kept (the fake here serves no match: the conftest's default)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.venues.foursquare.fake_foursquare import library_place, tip
from tests.venues.foursquare.helpers import BARKING_ID, DAGENHAM_ID
from tests.venues.foursquare.spec_schemas import assert_answers_match_the_spec
from venues.foursquare.client import FoursquareClient, FoursquareError
from venues.foursquare.sync import venue_foursquare_sync
from venues.foursquare.tasks import foursquare_nightly_sync
from venues.models import FoursquarePlace, FoursquareProposal, Venue

pytestmark = pytest.mark.django_db


def add_places(foursquare):
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
    foursquare.add(
        library_place(
            DAGENHAM_ID,
            "Dagenham Library",
            latitude=51.540376,
            longitude=0.148329,
            address="1 Church Elm Lane",
            locality="Dagenham",
            postcode="RM10 9QS",
        )
    )


class TestLinkingWithoutPlaceMatch:
    def test_venues_link_by_search_and_match_is_asked_once_per_process(
        self, foursquare, barking, dagenham
    ):
        add_places(foursquare)

        with FoursquareClient.from_settings() as client:
            first = venue_foursquare_sync(venue_id=barking.pk, client=client)
        second = venue_foursquare_sync(venue_id=dagenham.pk)  # another client, same process

        assert (first.status, second.status) == ("linked", "linked")
        assert len(foursquare.calls("GET", "/places/match")) == 1
        assert {p.linked_by for p in FoursquarePlace.objects.all()} == {"search"}

    def test_a_host_that_refuses_match_with_a_400_falls_back_to_search(self, foursquare, barking):
        add_places(foursquare)
        foursquare.serves_match = True
        foursquare.fail("/places/match", 400, body=b'{"message": "Unsupported parameter: cc."}')

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.status == "linked"
        assert FoursquarePlace.objects.get(venue=barking).linked_by == "search"

    def test_nothing_nearby_says_match_is_not_served(self, foursquare, barking):
        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.status == "unmatched"
        assert "place match is not available" in outcome.error


class TestRemovalReason:
    def test_a_closed_venue_is_reported_with_the_specs_reason(self, foursquare, barking):
        add_places(foursquare)
        venue_foursquare_sync(venue_id=barking.pk)
        Venue.objects.filter(pk=barking.pk).update(is_active=False)

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        [call] = foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/remove")
        assert call["params"]["reason"] == "CLOSED"
        assert outcome.proposed == ["closed"]
        assert FoursquareProposal.objects.get(venue=barking).suggestion_id


class TestRateLimit:
    @pytest.mark.parametrize("status", [429, 403])
    def test_the_rate_limit_is_waited_out_whichever_status_says_it(
        self, foursquare, barking, status
    ):
        add_places(foursquare)
        foursquare.rate_limit("/places/search", status=status)

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.status == "linked"
        assert len(foursquare.calls("GET", "/places/search")) == 2

    def test_a_403_refusing_the_key_is_not_retried(self, foursquare, barking):
        add_places(foursquare)
        foursquare.fail("/places/search", 403, body=b'{"message": "Forbidden: invalid key."}')

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.status == "error"
        assert "FOURSQUARE_API_KEY" in outcome.error
        assert len(foursquare.calls("GET", "/places/search")) == 1

    def test_a_rate_limit_that_lasts_is_a_rate_limit_not_a_bad_key(self, foursquare, barking):
        foursquare.rate_limit("/places/search", status=403, times=3)

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.status == "error"
        assert "rate limit" in outcome.error
        assert "FOURSQUARE_API_KEY" not in outcome.error


class TestDetailsAreACache:
    def test_details_older_than_their_lifetime_are_blanked_keeping_id_and_verdict(
        self, foursquare, barking, settings
    ):
        add_places(foursquare)
        venue_foursquare_sync(venue_id=barking.pk)
        Venue.objects.filter(pk=barking.pk).update(
            foursquare_drift=[{"field": "name", "council": "Barking", "foursquare": "Old name"}]
        )
        FoursquarePlace.objects.filter(venue=barking).update(
            fetched_at=timezone.now()
            - timedelta(hours=settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS + 1)
        )
        settings.FOURSQUARE_API_KEY = "revoked"  # tonight's refresh fails: the old copy stays

        foursquare_nightly_sync.delay()

        place = FoursquarePlace.objects.get(venue=barking)
        assert place.place_id == BARKING_ID
        assert (place.name, place.rating, place.hours, place.categories) == ("", None, {}, [])
        venue = Venue.objects.get(pk=barking.pk)
        assert venue.foursquare_place_id == BARKING_ID
        assert venue.foursquare_drift == [{"field": "name", "council": "Barking", "foursquare": ""}]

    def test_a_lifetime_of_zero_keeps_no_details_at_all(self, foursquare, barking, settings):
        settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS = 0
        add_places(foursquare)

        venue_foursquare_sync(venue_id=barking.pk)

        place = FoursquarePlace.objects.get(venue=barking)
        assert (place.place_id, place.name, place.rating) == (BARKING_ID, "", None)


def test_every_kind_of_answer_the_fake_gives_fits_the_spec(foursquare):
    add_places(foursquare)
    foursquare.serves_match = True
    with FoursquareClient.from_settings() as client:
        client.search(query="Barking", latitude=51.5364, longitude=0.08, radius_m=500)
        client.place(BARKING_ID)
        foursquare.add_tips(BARKING_ID, tip("t1", "Quiet upstairs."), tip("t2", "Good wifi."))
        assert len(client.tips(BARKING_ID)) == 2
        client.match(name="Barking", address="2 Town Square", city="Barking", country_code="GB")
        [edit] = client.propose_removal(BARKING_ID, reason="CLOSED")
        client.suggestion_statuses([edit.id])
        foursquare.serves_match = False
        for call in (
            lambda: client.match(name="x", address="y", city="z", country_code="GB"),
            lambda: client.place("0000000000000000000000ff"),
            lambda: client.tips("0000000000000000000000ff"),
            lambda: client.propose_removal(BARKING_ID, reason="closed"),
        ):
            with pytest.raises(FoursquareError):
                call()
        for status in (429, 403):
            foursquare.rate_limit("/places/search", status=status, times=3)
            with pytest.raises(FoursquareError):
                client.search(query="Barking", latitude=51.5, longitude=0.08, radius_m=500)

    statuses = {answer["status"] for answer in foursquare.answers}
    assert {200, 400, 403, 404, 429} <= statuses
    assert_answers_match_the_spec(foursquare.answers)
