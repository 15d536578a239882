"""The venue sync end to end against the fake Foursquare: link, snapshot, drift, push."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.factories import VenueFactory
from tests.venues.foursquare.fake_foursquare import library_place
from tests.venues.foursquare.helpers import BARKING_ID, DAGENHAM_ID
from venues.foursquare import sync as sync_module
from venues.foursquare.client import FoursquareClient
from venues.foursquare.sync import foursquare_proposals_refresh, venue_foursquare_sync
from venues.foursquare.tasks import foursquare_nightly_sync, foursquare_refresh_proposals
from venues.models import FoursquarePlace, FoursquareProposal, Venue
from venues.services import venue_update

# Written against a host that serves /places/match; test_foursquare_spec covers one without.
pytestmark = [pytest.mark.django_db, pytest.mark.foursquare_serves_match]


def barking_place(*, name="Barking Library", **overrides):
    values = {
        "latitude": 51.53640,
        "longitude": 0.07998,
        "address": "2 Town Square",
        "locality": "Barking",
        "postcode": "IG11 7NB",
        "website": "https://www.lbbd.gov.uk/barking-library",
    } | overrides
    return library_place(BARKING_ID, name, **values)


def reload(venue) -> Venue:
    return Venue.objects.get(pk=venue.pk)


class TestLinking:
    def test_a_matched_venue_is_linked_with_a_snapshot_of_its_place(self, foursquare, barking):
        foursquare.add(barking_place())

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert outcome.status == "linked"
        assert venue.foursquare_status == "linked"
        assert venue.foursquare_place_id == BARKING_ID
        assert venue.foursquare_error == ""
        assert venue.foursquare_synced_at is not None
        assert venue.foursquare_drift == []
        place = FoursquarePlace.objects.get(venue=barking)
        assert (place.place_id, place.linked_by, place.match_score) == (BARKING_ID, "match", 0.95)
        assert place.name == "Barking Library"
        assert place.categories == ["Library"]
        assert (place.rating, place.popularity, place.tips_count) == (8.1, 0.82, 7)
        assert place.website == "https://www.lbbd.gov.uk/barking-library"
        assert place.hours["display"].startswith("Mon-Fri")
        assert place.fetched_at is not None
        [match] = foursquare.calls("GET", "/places/match")
        assert match["params"]["city"] == "Barking"
        assert match["params"]["cc"] == "GB"
        assert foursquare.calls("GET", f"/places/{BARKING_ID}")

    def test_a_weak_match_falls_back_to_a_nearby_search(self, foursquare, barking):
        foursquare.add(barking_place())
        foursquare.match_scores[BARKING_ID] = 0.5

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "linked"
        assert FoursquarePlace.objects.get(venue=barking).linked_by == "search"
        [search] = foursquare.calls("GET", "/places/search")
        assert search["params"]["radius"] == str(barking.radius_m)

    def test_no_match_and_nothing_nearby_is_unmatched_with_the_reason(self, foursquare, barking):
        outcome = venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert outcome.status == venue.foursquare_status == "unmatched"
        assert "place match found nothing" in venue.foursquare_error
        assert "within 100 m" in venue.foursquare_error
        assert venue.foursquare_place_id == ""
        assert not FoursquarePlace.objects.exists()

    def test_a_nearby_place_with_another_name_is_refused(self, foursquare, barking):
        foursquare.add(
            library_place(
                "5a187743ccad6b307315e6fe",
                "Barking Town Hall Cafe",
                latitude=51.53641,
                longitude=0.07999,
                address="1 Clockhouse Avenue",
                locality="Barking",
                postcode="IG11 7LU",
            )
        )
        foursquare.match_scores["5a187743ccad6b307315e6fe"] = 0.46

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "unmatched"

    def test_a_namesake_outside_the_radius_is_refused(self, foursquare, barking):
        # 400 m east: the search's radius keeps it out, and so does the sync's own check.
        foursquare.add(barking_place(longitude=0.08577))
        foursquare.match_scores[BARKING_ID] = 0.5

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "unmatched"

    def test_the_closest_of_two_good_candidates_wins(self, foursquare, barking):
        foursquare.add(barking_place(latitude=51.53690))  # 56 m north
        foursquare.add(
            library_place(
                "4ac518cef964a52013a620aa",
                "Barking Library",
                latitude=51.53639,
                longitude=0.07999,
                address="2 Town Square",
                locality="Barking",
                postcode="IG11 7NB",
            )
        )
        foursquare.match_scores = dict.fromkeys(foursquare.places, 0.5)

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_place_id == "4ac518cef964a52013a620aa"


class TestIdempotence:
    def test_a_second_run_refreshes_the_same_link_without_matching_again(self, foursquare, barking):
        foursquare.add(barking_place())
        venue_foursquare_sync(venue_id=barking.pk)
        first_fetch = FoursquarePlace.objects.get(venue=barking).fetched_at
        foursquare.places[BARKING_ID]["rating"] = 9.2

        venue_foursquare_sync(venue_id=barking.pk)

        assert FoursquarePlace.objects.count() == 1
        place = FoursquarePlace.objects.get(venue=barking)
        assert place.rating == 9.2
        assert place.fetched_at > first_fetch
        assert place.linked_by == "match"
        assert len(foursquare.calls("GET", "/places/match")) == 1
        assert reload(barking).foursquare_place_id == BARKING_ID

    def test_a_place_id_set_by_hand_is_trusted(self, foursquare, barking):
        foursquare.add(barking_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)

        venue_foursquare_sync(venue_id=barking.pk)

        assert foursquare.calls("GET", "/places/match") == []
        assert foursquare.calls("GET", "/places/search") == []
        assert FoursquarePlace.objects.get(venue=barking).linked_by == "manual"
        assert reload(barking).foursquare_status == "linked"

    def test_a_place_id_foursquare_does_not_know_is_an_error_that_says_so(
        self, foursquare, barking
    ):
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id="5a187743ccad6b307315e6fe")

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "has no place '5a187743ccad6b307315e6fe'" in venue.foursquare_error


class TestFailures:
    def test_401_is_an_error_with_a_clear_message_and_no_retry(self, foursquare, barking, settings):
        settings.FOURSQUARE_API_KEY = "revoked"
        foursquare.add(barking_place())

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "refused the service key (401)" in venue.foursquare_error
        assert "FOURSQUARE_API_KEY" in venue.foursquare_error
        assert len(foursquare.requests) == 1

    def test_429_with_retry_after_is_retried_then_linked(self, foursquare, barking):
        foursquare.add(barking_place())
        foursquare.fail("/places/match", 429, headers={"Retry-After": "1"})

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "linked"
        assert len(foursquare.calls("GET", "/places/match")) == 2

    def test_500_three_times_is_an_error(self, foursquare, barking):
        foursquare.add(barking_place())
        foursquare.fail("/places/match", 500, times=3)

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "failed (500) after retrying" in venue.foursquare_error
        assert len(foursquare.calls("GET", "/places/match")) == 3

    def test_a_timeout_is_an_error(self, foursquare, barking, settings):
        settings.FOURSQUARE_READ_TIMEOUT_SECONDS = 0.2
        settings.FOURSQUARE_MAX_RETRIES = 0
        foursquare.add(barking_place())
        foursquare.fail("/places/match", 200, delay_seconds=0.35)

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "did not answer in time" in venue.foursquare_error
        time.sleep(0.2)  # the one-thread fake finishes the abandoned request

    def test_malformed_json_is_an_error(self, foursquare, barking):
        foursquare.add(barking_place())
        foursquare.fail(f"/places/{BARKING_ID}", 200, body=b'{"results": "not a place"}')

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "no fsq_place_id or name" in venue.foursquare_error
        assert not FoursquarePlace.objects.exists()

    def test_an_error_keeps_the_last_good_link(self, foursquare, barking):
        foursquare.add(barking_place())
        venue_foursquare_sync(venue_id=barking.pk)
        foursquare.fail(f"/places/{BARKING_ID}", 503, times=3)

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert venue.foursquare_place_id == BARKING_ID
        assert FoursquarePlace.objects.filter(venue=barking).exists()

    def test_without_a_key_nothing_is_sent_and_the_venue_says_why(
        self, foursquare, barking, settings
    ):
        settings.FOURSQUARE_API_KEY = ""

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "error"
        assert "set FOURSQUARE_API_KEY" in venue.foursquare_error
        assert foursquare.requests == []


class TestCouncilWide:
    def test_one_failing_venue_does_not_stop_the_others(self, foursquare, council, barking, capsys):
        dagenham = VenueFactory(
            council=council,
            name="Dagenham",
            address="1 Church Elm Lane, Dagenham",
            postcode="RM10 9QS",
            latitude=51.540376,
            longitude=0.148329,
        )
        marks_gate = VenueFactory(
            council=council,
            name="Marks Gate",
            address="Marks Gate Community Complex, Rose Lane, Marks Gate",
            postcode="RM6 5NJ",
            latitude=51.585380,
            longitude=0.135866,
        )
        VenueFactory(name="Elsewhere")  # another council's venue is left alone
        foursquare.add(barking_place())
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
        # Dagenham's details fail for good; Marks Gate is not on Foursquare at all.
        foursquare.fail(f"/places/{DAGENHAM_ID}", 500, times=3)

        call_command("sync_foursquare", "--council", council.slug)

        assert reload(barking).foursquare_status == "linked"
        assert reload(dagenham).foursquare_status == "error"
        assert reload(marks_gate).foursquare_status == "unmatched"
        out = capsys.readouterr().out
        assert "Barking and Dagenham: 1 linked, 1 unmatched, 1 error, 0 pending (3 venues)." in out
        assert "error     Dagenham: Foursquare failed (500)" in out
        assert len(foursquare.calls("GET", "/places/match")) == 3

    def test_an_unexpected_failure_is_recorded_and_the_run_goes_on(
        self, foursquare, council, barking, monkeypatch, capsys
    ):
        broken = VenueFactory(council=council, name="Aardvark")  # synced first, by name
        foursquare.add(barking_place())
        real_drift = sync_module.compute_drift

        def drift_failing_for_one(venue, place):
            if venue.pk == broken.pk:
                raise RuntimeError("a bug")
            return real_drift(venue, place)

        monkeypatch.setattr(sync_module, "compute_drift", drift_failing_for_one)
        foursquare.add(
            library_place(
                "4ac518cef964a52013a620ff",
                "Aardvark Library",
                latitude=broken.latitude,
                longitude=broken.longitude,
                address="2 Town Square",
                locality="Barking",
                postcode="IG11 7NB",
            )
        )

        call_command("sync_foursquare", "--council", council.slug)

        assert reload(broken).foursquare_status == "error"
        assert "failed unexpectedly" in reload(broken).foursquare_error
        assert reload(barking).foursquare_status == "linked"
        assert "1 linked, 0 unmatched, 1 error" in capsys.readouterr().out

    def test_one_venue_by_id(self, foursquare, council, barking):
        other = VenueFactory(council=council, name="Dagenham")
        foursquare.add(barking_place())

        call_command("sync_foursquare", "--venue", str(barking.pk))

        assert reload(barking).foursquare_status == "linked"
        assert reload(other).foursquare_status == "pending"

    @pytest.mark.parametrize(
        "arguments, message",
        [
            (["--council", "nowhere"], "No council has the slug 'nowhere'"),
            (["--venue", "not-a-uuid"], "'not-a-uuid' is not a venue id"),
            (["--venue", "5e0b7c1e-3b7e-4f57-9d6c-2f1a3c0e9b11"], "No venue has the id"),
        ],
    )
    def test_bad_arguments_are_refused(self, arguments, message):
        with pytest.raises(CommandError, match=message):
            call_command("sync_foursquare", *arguments)


class TestDriftAndPush:
    def drifted_place(self):
        # Foursquare's listing is out of date: old name, old postcode, pin 210 m off, old site.
        return barking_place(
            name="Barking Learning Centre",
            postcode="IG11 7NA",
            latitude=51.53830,
            website="http://www.barking-dagenham.gov.uk/library",
        )

    def test_drift_is_recorded_field_by_field(self, foursquare, barking):
        Venue.objects.filter(pk=barking.pk).update(
            website="https://www.lbbd.gov.uk/barking-library"
        )
        foursquare.add(self.drifted_place())
        foursquare.match_scores[BARKING_ID] = 0.9

        venue_foursquare_sync(venue_id=barking.pk)

        drift = {item["field"]: item for item in reload(barking).foursquare_drift}
        assert set(drift) == {"name", "postcode", "coordinates", "website"}
        assert drift["name"] == {
            "field": "name",
            "council": "Barking",
            "foursquare": "Barking Learning Centre",
        }
        assert drift["postcode"]["foursquare"] == "IG11 7NA"
        assert 200 < drift["coordinates"]["distance_m"] < 220
        assert drift["website"]["council"] == "https://www.lbbd.gov.uk/barking-library"

    def test_the_councils_values_are_proposed_once(self, foursquare, barking):
        foursquare.add(self.drifted_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)

        first = venue_foursquare_sync(venue_id=barking.pk)
        second = venue_foursquare_sync(venue_id=barking.pk)

        assert sorted(first.proposed) == ["coordinates", "name", "postcode"]
        assert second.proposed == []
        [call] = foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/edit")
        assert call["params"] == {
            "name": "Barking",
            "postcode": "IG11 7NB",
            "latitude": "51.536387",
            "longitude": "0.079994",
        }
        proposals = FoursquareProposal.objects.filter(venue=barking)
        assert proposals.count() == 3
        assert {p.status for p in proposals} == {"pending"}
        assert len({p.suggestion_id for p in proposals}) == 1

    def test_a_new_council_value_is_proposed_but_not_the_old_again(self, foursquare, barking):
        foursquare.add(self.drifted_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)
        venue_foursquare_sync(venue_id=barking.pk)
        Venue.objects.filter(pk=barking.pk).update(name="Barking Central")

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.proposed == ["name"]
        last = foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/edit")[-1]
        assert last["params"] == {"name": "Barking Central"}

    def test_the_verdicts_are_read_back(self, foursquare, barking):
        foursquare.add(self.drifted_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)
        venue_foursquare_sync(venue_id=barking.pk)
        suggestion_id = FoursquareProposal.objects.first().suggestion_id
        foursquare.set_suggestion_status(suggestion_id, "accepted", resolved=True)

        venue_foursquare_sync(venue_id=barking.pk)

        assert {p.status for p in FoursquareProposal.objects.all()} == {"accepted"}
        assert all(p.resolved_at for p in FoursquareProposal.objects.all())
        [status_call, *_] = foursquare.calls("GET", "/places/suggest/status")
        assert status_call["params"]["suggested_edit_ids"] == suggestion_id

    def test_a_failed_proposal_keeps_the_link_and_is_tried_again_next_time(
        self, foursquare, barking
    ):
        foursquare.add(self.drifted_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)
        foursquare.fail(r"/places/.*/suggest/edit", 403, method="POST")

        venue_foursquare_sync(venue_id=barking.pk)

        venue = reload(barking)
        assert venue.foursquare_status == "linked"
        assert "proposing the council's values failed" in venue.foursquare_error
        assert not FoursquareProposal.objects.exists()

        venue_foursquare_sync(venue_id=barking.pk)

        assert FoursquareProposal.objects.count() == 3
        assert reload(barking).foursquare_error == ""

    def test_proposals_can_be_switched_off(self, foursquare, barking, settings):
        settings.FOURSQUARE_PROPOSE_EDITS = False
        foursquare.add(self.drifted_place())

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_drift
        assert foursquare.calls("POST", r".*") == []

    def test_a_deactivated_venue_is_reported_closed_once(self, foursquare, barking):
        foursquare.add(barking_place())
        venue_foursquare_sync(venue_id=barking.pk)
        Venue.objects.filter(pk=barking.pk).update(is_active=False)

        venue_foursquare_sync(venue_id=barking.pk)
        venue_foursquare_sync(venue_id=barking.pk)

        [call] = foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/remove")
        assert call["params"]["reason"] == "CLOSED"
        assert "Barking and Dagenham has closed Barking" in call["params"]["comment"]
        assert FoursquareProposal.objects.get(venue=barking).field == "closed"


class TestProposalsAreNeverSentTwice:
    def linked_with_drift(self, foursquare, barking):
        foursquare.add(barking_place(name="Barking Learning Centre"))
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)

    def test_a_proposal_that_timed_out_is_unconfirmed_and_not_sent_again(
        self, foursquare, barking, settings
    ):
        self.linked_with_drift(foursquare, barking)
        settings.FOURSQUARE_READ_TIMEOUT_SECONDS = 0.2
        foursquare.fail(r"/places/.*/suggest/edit", 200, method="POST", delay_seconds=0.35)

        first = venue_foursquare_sync(venue_id=barking.pk)
        time.sleep(0.25)  # the one-thread fake finishes the abandoned request
        second = venue_foursquare_sync(venue_id=barking.pk)

        assert "did not answer in time" in first.error
        assert second.proposed == []
        assert len(foursquare.calls("POST", r"/places/.*/suggest/edit")) == 1
        proposal = FoursquareProposal.objects.get(venue=barking)
        assert (proposal.field, proposal.status, proposal.suggestion_id) == (
            "name",
            "unconfirmed",
            "",
        )

    @pytest.mark.parametrize(
        "status, body",
        [(500, b'{"message": "internal"}'), (200, b'{"suggested_edits": "?"}')],
    )
    def test_a_proposal_foursquare_may_have_filed_is_not_sent_again(
        self, foursquare, barking, status, body
    ):
        self.linked_with_drift(foursquare, barking)
        foursquare.fail(r"/places/.*/suggest/edit", status, method="POST", body=body)

        venue_foursquare_sync(venue_id=barking.pk)
        venue_foursquare_sync(venue_id=barking.pk)

        assert len(foursquare.calls("POST", r"/places/.*/suggest/edit")) == 1
        assert FoursquareProposal.objects.get(venue=barking).status == "unconfirmed"

    def test_a_claim_whose_process_died_becomes_unconfirmed(self, foursquare, barking):
        self.linked_with_drift(foursquare, barking)
        stuck = FoursquareProposal.objects.create(
            venue=barking, place_id=BARKING_ID, field="name", value="Barking"
        )
        FoursquareProposal.objects.filter(pk=stuck.pk).update(
            created_at=timezone.now() - timedelta(hours=2)
        )

        assert foursquare_proposals_refresh() == 1

        stuck.refresh_from_db()
        assert stuck.status == "unconfirmed"
        venue_foursquare_sync(venue_id=barking.pk)
        assert foursquare.calls("POST", r".*") == []

    def test_two_syncs_at_once_send_a_value_once(self, foursquare, barking):
        # The second sync's claim meets the first's row: nothing is sent for it.
        self.linked_with_drift(foursquare, barking)
        FoursquareProposal.objects.create(
            venue=barking, place_id=BARKING_ID, field="name", value="Barking"
        )

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.proposed == []
        assert foursquare.calls("POST", r".*") == []


class TestStateAndRaces:
    def test_an_edit_made_while_foursquare_was_asked_is_what_gets_compared(
        self, foursquare, barking, monkeypatch
    ):
        foursquare.add(barking_place(name="Barking Learning Centre"))
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)
        real_place = FoursquareClient.place

        def place_while_a_manager_renames(client, place_id):
            Venue.objects.filter(pk=barking.pk).update(name="Barking Learning Centre")
            return real_place(client, place_id)

        monkeypatch.setattr(FoursquareClient, "place", place_while_a_manager_renames)

        outcome = venue_foursquare_sync(venue_id=barking.pk)

        assert outcome.drift == []
        assert outcome.proposed == []
        assert foursquare.calls("POST", r".*") == []

    def test_a_place_linked_to_another_venue_is_not_linked_again(
        self, foursquare, council, barking
    ):
        VenueFactory(council=council, name="Barking Old Library", foursquare_place_id=BARKING_ID)
        foursquare.add(barking_place())

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "unmatched"

    def test_a_match_answered_404_falls_back_to_the_search(self, foursquare, barking):
        foursquare.add(barking_place())
        foursquare.fail("/places/match", 404, body=b'{"message": "No match found."}')

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "linked"
        assert FoursquarePlace.objects.get(venue=barking).linked_by == "search"

    def test_an_unmatched_venue_keeps_no_listing_of_its_old_place(self, foursquare, barking):
        foursquare.add(barking_place())
        venue_foursquare_sync(venue_id=barking.pk)
        venue_update(venue=reload(barking), changes={"foursquare_place_id": ""})
        del foursquare.places[BARKING_ID]

        venue_foursquare_sync(venue_id=barking.pk)

        assert reload(barking).foursquare_status == "unmatched"
        assert not FoursquarePlace.objects.filter(venue=barking).exists()

    def test_a_linked_venue_cannot_become_unmatched_without_being_relinked(self, barking):
        barking.foursquare_status = "linked"
        with pytest.raises(ValueError, match="cannot go from linked to unmatched"):
            barking.set_foursquare_status("unmatched")


class TestNightly:
    def test_the_nightly_task_syncs_every_venue_and_reports_closures(
        self, foursquare, council, barking
    ):
        closed = VenueFactory(
            council=council, name="Dagenham", is_active=False, foursquare_place_id=DAGENHAM_ID
        )
        never_linked_and_closed = VenueFactory(council=council, name="Gone", is_active=False)
        foursquare.add(barking_place())
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

        summary = foursquare_nightly_sync.delay().get()  # eager in tests: runs here

        assert summary == {"queued": 2}
        assert reload(barking).foursquare_status == "linked"
        assert foursquare.calls("POST", f"/places/{DAGENHAM_ID}/suggest/remove")
        assert reload(never_linked_and_closed).foursquare_status == "pending"
        assert FoursquareProposal.objects.get(venue=closed).field == "closed"

    def test_the_nightly_task_reads_back_the_verdicts(self, foursquare, barking):
        foursquare.add(barking_place(name="Barking Learning Centre"))
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)
        venue_foursquare_sync(venue_id=barking.pk)
        proposal = FoursquareProposal.objects.get(venue=barking)
        foursquare.set_suggestion_status(proposal.suggestion_id, "rejected", resolved=True)

        assert foursquare_refresh_proposals.delay().get() == {"changed": 1}

        proposal.refresh_from_db()
        assert proposal.status == "rejected"
        assert proposal.resolved_at is not None
