"""The back office: superusers see everything, role holders only what their roles cover."""

import pytest
from django.test import Client

from tests.factories import CouncilFactory, UserFactory, VenueFactory
from venues.geocoding import Coordinates, GeocodingFailed
from venues.models import Role, Venue
from venues.services import role_grant

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant(user, venue, role):
    scoped = venue if role != Role.Kind.COUNCIL_ADMIN else None
    role_grant(council=venue.council, email=user.email, role=role, venue=scoped, granted_by=None)
    user.refresh_from_db()
    return user


@pytest.fixture
def two_councils():
    mine = VenueFactory.create_batch(2, council=CouncilFactory(name="Mine"))
    theirs = VenueFactory(council=CouncilFactory(name="Theirs"))
    return mine, theirs


def test_superuser_sees_every_venue(two_councils):
    client = logged_in(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/venues/venue/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_a_council_admin_sees_and_edits_only_their_councils_venues(two_councils):
    mine, theirs = two_councils
    admin = grant(UserFactory(), mine[0], Role.Kind.COUNCIL_ADMIN)
    assert admin.is_staff
    client = logged_in(admin)
    listing = client.get("/admin/venues/venue/")
    assert listing.status_code == 200
    assert {venue.pk for venue in listing.context["cl"].result_list} == {v.pk for v in mine}
    assert client.get(f"/admin/venues/venue/{mine[0].pk}/change/").status_code == 200
    assert client.get(f"/admin/venues/venue/{theirs.pk}/change/").status_code in (302, 403, 404)


def test_a_venue_manager_sees_only_their_venue(two_councils):
    mine, _ = two_councils
    manager = grant(UserFactory(), mine[0], Role.Kind.VENUE_MANAGER)
    listing = logged_in(manager).get("/admin/venues/venue/")
    assert [venue.pk for venue in listing.context["cl"].result_list] == [mine[0].pk]


def test_the_deactivate_action_keeps_the_venues(two_councils):
    mine, _ = two_councils
    admin = grant(UserFactory(), mine[0], Role.Kind.COUNCIL_ADMIN)
    response = logged_in(admin).post(
        "/admin/venues/venue/",
        {"action": "deactivate", "_selected_action": [str(v.pk) for v in mine]},
    )
    assert response.status_code == 302
    assert Venue.objects.filter(pk__in=[v.pk for v in mine], is_active=False).count() == 2


def test_venue_staff_and_residents_have_no_back_office(two_councils):
    mine, _ = two_councils
    staff = grant(UserFactory(), mine[0], Role.Kind.VENUE_STAFF)
    assert not staff.is_staff
    response = logged_in(staff).get("/admin/venues/venue/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestVenueEditsInTheAdmin:
    """The admin saves through the venue services, exactly as the API does."""

    @pytest.fixture
    def venue(self):
        return VenueFactory(
            address="1 Old Road", postcode="LS1 3AB", foursquare_place_id="4b0588f1f964a520"
        )

    @pytest.fixture
    def queued(self, monkeypatch) -> list[str]:
        queued: list[str] = []
        monkeypatch.setattr("venues.foursquare.services.foursquare_sync_venue.delay", queued.append)
        return queued

    def change_form(self, venue, **changes) -> dict:
        data = {
            "name": venue.name,
            "category": venue.category,
            "address": venue.address,
            "postcode": venue.postcode,
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "radius_m": venue.radius_m,
            "is_active": "on",
            "opening_hours": "{}",
            "website": venue.website,
            "foursquare_place_id": venue.foursquare_place_id,
            "foursquare_proposals-TOTAL_FORMS": "0",
            "foursquare_proposals-INITIAL_FORMS": "0",
            **changes,
        }
        return {name: value for name, value in data.items() if value is not None}

    def test_a_new_address_is_geocoded_and_the_foursquare_sync_queued(
        self, venue, queued, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(
            "venues.services.geocode_address", lambda **_: Coordinates(53.81, -1.55)
        )
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/venues/venue/{venue.pk}/change/",
                self.change_form(venue, address="2 New Road"),
            )
        assert response.status_code == 302
        venue.refresh_from_db()
        assert (venue.address, venue.latitude, venue.longitude) == ("2 New Road", 53.81, -1.55)
        assert queued == [str(venue.pk)]

    def test_an_address_that_cannot_be_located_is_a_form_error(self, venue, queued, monkeypatch):
        def fail(**_):
            raise GeocodingFailed("no place was found")

        monkeypatch.setattr("venues.services.geocode_address", fail)
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        response = client.post(
            f"/admin/venues/venue/{venue.pk}/change/",
            self.change_form(venue, address="Nowhere"),
        )
        assert response.status_code == 200
        assert "could not be located" in str(response.context["adminform"].form.errors["address"])
        venue.refresh_from_db()
        assert venue.address == "1 Old Road"
        assert queued == []

    def test_emptied_coordinates_are_found_again_from_the_address(self, venue, queued, monkeypatch):
        monkeypatch.setattr("venues.services.geocode_address", lambda **_: Coordinates(53.8, -1.54))
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        response = client.post(
            f"/admin/venues/venue/{venue.pk}/change/",
            self.change_form(venue, latitude="", longitude=""),
        )
        assert response.status_code == 302
        venue.refresh_from_db()
        assert (venue.latitude, venue.longitude) == (53.8, -1.54)

    def test_opening_hours_are_edited_as_lines(self, venue, queued):
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        hours = "Monday: 09:00-13:00, 14:00-17:30\nSaturday 10.00 to 16.00\nSunday: closed"
        response = client.post(
            f"/admin/venues/venue/{venue.pk}/change/",
            self.change_form(venue, opening_hours=hours),
        )
        assert response.status_code == 302
        venue.refresh_from_db()
        assert venue.opening_hours == {
            "monday": [
                {"opens": "09:00", "closes": "13:00"},
                {"opens": "14:00", "closes": "17:30"},
            ],
            "saturday": [{"opens": "10:00", "closes": "16:00"}],
        }

    def test_opening_hours_are_written_and_read_in_welsh_too(self, venue, queued):
        """A Welsh reader's form says "Dydd Llun: ..." and "ar gau"; Welsh day names (with or
        without "Dydd") and the English ones are read alike."""
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        hours = "Dydd Llun: 09:00-13:00\nMawrth: 10:00-12:00\nDydd Sadwrn: ar gau\nfri: 08:00-09:00"
        response = client.post(
            f"/admin/venues/venue/{venue.pk}/change/",
            self.change_form(venue, opening_hours=hours),
            HTTP_ACCEPT_LANGUAGE="cy",
        )
        assert response.status_code == 302
        venue.refresh_from_db()
        assert venue.opening_hours == {
            "monday": [{"opens": "09:00", "closes": "13:00"}],
            "tuesday": [{"opens": "10:00", "closes": "12:00"}],
            "friday": [{"opens": "08:00", "closes": "09:00"}],
        }
        page = client.get(f"/admin/venues/venue/{venue.pk}/change/", HTTP_ACCEPT_LANGUAGE="cy")
        text = page.context["adminform"].form["opening_hours"].value()
        assert text.splitlines()[:3] == [
            "Dydd Llun: 09:00-13:00",
            "Dydd Mawrth: 10:00-12:00",
            "Dydd Mercher: ar gau",
        ]

    @pytest.mark.parametrize(
        "hours",
        ["Funday: 09:00-17:00", "Monday: 9 till 5", "Monday: 17:00-09:00", '{"a":' + "[" * 50_000],
    )
    def test_opening_hours_that_cannot_be_read_are_a_form_error(self, venue, queued, hours):
        client = logged_in(grant(UserFactory(), venue, Role.Kind.COUNCIL_ADMIN))
        response = client.post(
            f"/admin/venues/venue/{venue.pk}/change/",
            self.change_form(venue, opening_hours=hours),
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["opening_hours"]

    def test_a_venue_added_in_the_admin_gets_a_unique_slug(self, venue, queued):
        client = logged_in(UserFactory(is_superuser=True, is_staff=True))
        data = self.change_form(
            venue, council=venue.council.pk, postcode="LS2 8BH", foursquare_place_id=""
        )
        response = client.post("/admin/venues/venue/add/", data)
        assert response.status_code == 302
        added = Venue.objects.get(council=venue.council, postcode="LS2 8BH")
        assert added.slug == f"{venue.slug}-2" and added.name == venue.name
        assert queued == []


def test_unknown_opening_hours_read_not_known_not_closed_all_week(two_councils):
    mine, _ = two_councils
    client = logged_in(grant(UserFactory(), mine[0], Role.Kind.COUNCIL_ADMIN))
    unknown = client.get(f"/admin/venues/venue/{mine[0].pk}/change/")
    assert unknown.context["adminform"].form["opening_hours"].value() == ""
    assert "closed" not in unknown.context["adminform"].form["opening_hours"].value()
    mine[1].opening_hours = {"monday": [{"opens": "09:00", "closes": "17:00"}]}
    mine[1].save()
    known = client.get(f"/admin/venues/venue/{mine[1].pk}/change/")
    text = known.context["adminform"].form["opening_hours"].value()
    assert text.splitlines()[:2] == ["Monday: 09:00-17:00", "Tuesday: closed"]


def test_the_read_only_hours_say_not_known(two_councils):
    from venues.admin import VenueAdmin

    mine, _ = two_councils
    assert VenueAdmin.opening_hours_table(None, mine[0]) == "Not known: none have been given."
