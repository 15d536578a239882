"""The Foursquare endpoints, the drift on the venue, and the back office's view of it."""

import re

import pytest
from django.test import Client
from kombu.exceptions import OperationalError as KombuOperationalError
from rest_framework.test import APIClient

from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from tests.venues.foursquare.fake_foursquare import library_place
from tests.venues.foursquare.helpers import BARKING_ID
from venues.foursquare.sync import venue_foursquare_sync
from venues.foursquare.tasks import foursquare_sync_venue
from venues.models import FoursquareProposal, Venue

pytestmark = [pytest.mark.django_db, pytest.mark.foursquare_serves_match]


def barking_place(**overrides):
    values = {
        "latitude": 51.53640,
        "longitude": 0.07998,
        "address": "2 Town Square",
        "locality": "Barking",
        "postcode": "IG11 7NB",
    } | overrides
    return library_place(BARKING_ID, values.pop("name", "Barking Library"), **values)


@pytest.fixture
def barking():
    council = CouncilFactory(name="Barking and Dagenham", slug="barking-and-dagenham")
    return VenueFactory(
        council=council,
        name="Barking",
        address="2 Town Square, Barking",
        postcode="IG11 7NB",
        latitude=51.536387,
        longitude=0.079994,
    )


def sync_path(venue) -> str:
    return f"/api/v1/venues/{venue.pk}/foursquare-sync/"


class TestSyncEndpoint:
    def test_a_manager_starts_a_sync_and_the_venue_gets_linked(
        self, foursquare, barking, django_capture_on_commit_callbacks
    ):
        foursquare.add(barking_place())
        manager = client_for(venue_manager_of(barking))

        # No broker in tests: the task runs in-process once the request's work commits.
        with django_capture_on_commit_callbacks(execute=True):
            body = success(manager, "post", sync_path(barking), status=202).json()

        assert body["venue"] == str(barking.pk)
        assert body["queued"] is True
        assert set(body["foursquare"]) == {"place_id", "status", "synced_at", "error", "drift"}
        venue = success(manager, "get", f"/api/v1/venues/{barking.pk}/").json()
        assert venue["foursquare"]["status"] == "linked"
        assert venue["foursquare"]["place_id"] == BARKING_ID
        assert venue["foursquare"]["drift"] == []

    def test_pressing_again_within_a_minute_queues_nothing_more(
        self, foursquare, barking, django_capture_on_commit_callbacks
    ):
        foursquare.add(barking_place())
        manager = client_for(venue_manager_of(barking))
        with django_capture_on_commit_callbacks(execute=True):
            success(manager, "post", sync_path(barking), status=202)
        asked = len(foursquare.requests)

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            body = success(manager, "post", sync_path(barking), status=202).json()

        assert body["queued"] is False
        assert callbacks == []
        assert len(foursquare.requests) == asked

    def test_a_failed_sync_is_still_202_and_the_venue_says_what_failed(
        self, foursquare, barking, settings, django_capture_on_commit_callbacks
    ):
        settings.FOURSQUARE_API_KEY = "revoked"
        admin = client_for(council_admin_of(barking.council))
        with django_capture_on_commit_callbacks(execute=True):
            success(admin, "post", sync_path(barking), status=202)
        body = success(admin, "get", f"/api/v1/venues/{barking.pk}/").json()
        assert body["foursquare"]["status"] == "error"
        assert "(401)" in body["foursquare"]["error"]

    def test_a_queue_that_cannot_be_reached_is_503_and_the_next_press_tries_again(
        self, barking, monkeypatch
    ):
        def broker_down(*args, **kwargs):
            raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379.")

        monkeypatch.setattr(foursquare_sync_venue, "delay", broker_down)
        manager = client_for(venue_manager_of(barking))

        error(manager, "post", sync_path(barking), status=503, code="service_unavailable")

        monkeypatch.undo()
        assert success(manager, "post", sync_path(barking), status=202).json()["queued"] is True

    @pytest.mark.parametrize(
        "who, status, code",
        [
            ("anonymous", 401, "not_authenticated"),
            ("resident", 403, "permission_denied"),
            ("staff", 403, "permission_denied"),
            ("other manager", 403, "permission_denied"),
        ],
    )
    def test_only_its_managers_may_sync_a_venue(self, barking, foursquare, who, status, code):
        user = {
            "anonymous": None,
            "resident": UserFactory(),
            "staff": venue_staff_of(barking),
            "other manager": venue_manager_of(VenueFactory()),
        }[who]
        client = client_for(user) if user else APIClient()
        error(client, "post", sync_path(barking), status=status, code=code)
        assert foursquare.requests == []

    def test_an_unknown_venue_is_404(self, barking):
        error(
            client_for(council_admin_of(barking.council)),
            "post",
            "/api/v1/venues/5e0b7c1e-3b7e-4f57-9d6c-2f1a3c0e9b11/foursquare-sync/",
            status=404,
            code="not_found",
        )


class TestLinkingByHand:
    def test_setting_the_place_id_resets_the_status_and_syncs_that_place(
        self, foursquare, barking, django_capture_on_commit_callbacks
    ):
        foursquare.add(barking_place())
        manager = client_for(venue_manager_of(barking))

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            body = success(
                manager,
                "patch",
                f"/api/v1/venues/{barking.pk}/",
                {"foursquare_place_id": BARKING_ID},
            ).json()
        assert body["foursquare"]["status"] == "pending"
        assert len(callbacks) == 1

        callbacks[0]()

        venue = Venue.objects.get(pk=barking.pk)
        assert venue.foursquare_status == "linked"
        assert venue.foursquare_place.linked_by == "manual"
        assert foursquare.calls("GET", "/places/match") == []

    @pytest.mark.parametrize(
        "place_id, change, syncs",
        [
            ("", {"name": "Barking Central"}, False),  # not linked: the nightly run links it
            (BARKING_ID, {"radius_m": 150}, False),  # nothing Foursquare lists
            (BARKING_ID, {"name": "Barking Central"}, True),  # compared: refresh and propose
            (BARKING_ID, {"website": "https://www.lbbd.gov.uk/barking"}, True),
            (BARKING_ID, {"latitude": 51.5365, "longitude": 0.0801}, True),
        ],
    )
    def test_an_edit_to_what_foursquare_lists_syncs_a_linked_venue(
        self, barking, django_capture_on_commit_callbacks, place_id, change, syncs
    ):
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=place_id)
        with django_capture_on_commit_callbacks() as callbacks:
            success(
                client_for(venue_manager_of(barking)),
                "patch",
                f"/api/v1/venues/{barking.pk}/",
                change,
            )
        assert len(callbacks) == (1 if syncs else 0)

    def test_a_place_id_that_is_not_one_is_invalid(self, barking):
        body = error(
            client_for(venue_manager_of(barking)),
            "patch",
            f"/api/v1/venues/{barking.pk}/",
            {"foursquare_place_id": "../suggest/status"},
            status=400,
            code="invalid",
        )
        assert "foursquare_place_id" in body["fields"]
        assert Venue.objects.get(pk=barking.pk).foursquare_place_id == ""

    def test_deactivating_by_patch_reports_it_closed_too(
        self, foursquare, barking, django_capture_on_commit_callbacks
    ):
        foursquare.add(barking_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)

        with django_capture_on_commit_callbacks(execute=True):
            success(
                client_for(council_admin_of(barking.council)),
                "patch",
                f"/api/v1/venues/{barking.pk}/",
                {"is_active": False},
            )

        assert foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/remove")

    def test_deactivating_a_linked_venue_reports_it_closed(
        self, foursquare, barking, django_capture_on_commit_callbacks
    ):
        foursquare.add(barking_place())
        Venue.objects.filter(pk=barking.pk).update(foursquare_place_id=BARKING_ID)

        with django_capture_on_commit_callbacks(execute=True):
            success(
                client_for(venue_manager_of(barking)),
                "delete",
                f"/api/v1/venues/{barking.pk}/",
                status=204,
            )

        [call] = foursquare.calls("POST", f"/places/{BARKING_ID}/suggest/remove")
        assert call["params"]["reason"] == "CLOSED"
        assert FoursquareProposal.objects.filter(venue=barking, field="closed").exists()


class TestDriftReport:
    def report_path(self, council) -> str:
        return f"/api/v1/councils/{council.slug}/foursquare/"

    def test_the_council_sees_which_venues_differ_and_how(self, foursquare, barking):
        council = barking.council
        dagenham = VenueFactory(council=council, name="Dagenham", postcode="RM10 9QS")
        in_step = VenueFactory(council=council, name="Marks Gate")
        Venue.objects.filter(pk=in_step.pk).update(foursquare_status="linked")
        foursquare.add(barking_place(name="Barking Learning Centre", postcode="IG11 7NA"))
        venue_foursquare_sync(venue_id=barking.pk)
        venue_foursquare_sync(venue_id=dagenham.pk)  # nothing on Foursquare: unmatched

        body = success(
            client_for(council_admin_of(council)), "get", self.report_path(council)
        ).json()

        assert body["council"] == council.slug
        assert body["summary"] == {
            "venues": 3,
            "pending": 0,
            "linked": 2,
            "unmatched": 1,
            "error": 0,
            "drifted": 1,
        }
        by_name = {venue["name"]: venue for venue in body["venues"]}
        assert set(by_name) == {"Barking", "Dagenham"}
        barking_row = by_name["Barking"]
        assert [d["field"] for d in barking_row["foursquare"]["drift"]] == ["name", "postcode"]
        assert barking_row["place"]["name"] == "Barking Learning Centre"
        assert barking_row["place"]["rating"] == 8.1
        assert barking_row["place"]["tips_count"] == 7
        assert {p["field"] for p in barking_row["proposals"]} == {"name", "postcode"}
        assert by_name["Dagenham"]["foursquare"]["status"] == "unmatched"
        assert by_name["Dagenham"]["place"] is None

        everything = success(
            client_for(council_admin_of(council)), "get", self.report_path(council) + "?all=true"
        ).json()
        assert len(everything["venues"]) == 3

    def test_the_report_costs_a_fixed_number_of_queries(
        self, foursquare, barking, django_assert_num_queries
    ):
        council = barking.council
        for number in range(5):
            venue = VenueFactory(council=council, name=f"Branch {number}")
            foursquare.add(
                library_place(
                    f"4b0588a0f964a5203ad4220{number}",
                    f"Old Branch {number} Library",
                    latitude=venue.latitude,
                    longitude=venue.longitude,
                    address="2 Town Square",
                    locality="Barking",
                    postcode="IG11 7NB",
                )
            )
            Venue.objects.filter(pk=venue.pk).update(
                foursquare_place_id=f"4b0588a0f964a5203ad4220{number}"
            )
            venue_foursquare_sync(venue_id=venue.pk)  # a snapshot, drift and a proposal each
        admin = client_for(council_admin_of(council))

        # The scope (session user, council, role), the summary (2), the venues with their
        # snapshots, and their proposals: however many venues there are.
        with django_assert_num_queries(6):
            body = success(admin, "get", self.report_path(council)).json()

        assert len(body["venues"]) == 5
        assert all(row["place"] and row["proposals"] for row in body["venues"])

    def test_only_the_councils_admins_see_it(self, barking):
        error(
            client_for(venue_manager_of(barking)),
            "get",
            self.report_path(barking.council),
            status=403,
            code="permission_denied",
        )
        error(
            client_for(council_admin_of(CouncilFactory())),
            "get",
            self.report_path(barking.council),
            status=403,
            code="permission_denied",
        )


class TestAdmin:
    def test_the_venue_page_shows_the_drift_and_the_proposals(self, foursquare, barking):
        foursquare.add(barking_place(name="Barking Learning Centre"))
        venue_foursquare_sync(venue_id=barking.pk)
        superuser = UserFactory(is_superuser=True, is_staff=True)
        client = Client()
        client.force_login(superuser)

        page = client.get(f"/admin/venues/venue/{barking.pk}/change/").content.decode()
        differs = client.get("/admin/venues/venue/?foursquare_drift=differs").context["cl"]
        same = client.get("/admin/venues/venue/?foursquare_drift=same").context["cl"]

        # The drift table: the council's name beside Foursquare's.
        assert "<tr><th>name</th><td>Barking</td><td>Barking Learning Centre</td></tr>" in page
        # The cached listing and the proposal of the council's name.
        assert "rating 8.1" in page
        assert re.search(r'class="field-value">\s*<p>Barking</p>', page)
        assert re.search(r'class="field-status">\s*<p>pending</p>', page)
        assert [venue.pk for venue in differs.result_list] == [barking.pk]
        assert same.result_count == 0

    def test_the_sync_action_queues_each_venue(self, barking, django_capture_on_commit_callbacks):
        client = Client()
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        with django_capture_on_commit_callbacks() as callbacks:
            client.post(
                "/admin/venues/venue/",
                {"action": "sync_with_foursquare", "_selected_action": [str(barking.pk)]},
            )
        assert len(callbacks) == 1
