import uuid

import pytest

from backend.errors import ApplicationError
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
from venues.models import Venue
from venues.services import venue_update

pytestmark = pytest.mark.django_db

LEEDS_CENTRAL = {"latitude": 53.800156, "longitude": -1.548691}


def new_venue(of_council, **overrides):
    return {
        "council": of_council.slug,
        "name": "Leeds Central Library",
        "category": "library",
        "address": "Municipal Buildings, Calverley Street, Leeds",
        "postcode": "ls13ab",
        **LEEDS_CENTRAL,
    } | overrides


class TestRead:
    def test_a_venue_has_every_field_of_the_contract(self, api_client):
        venue = VenueFactory(opening_hours={"monday": [{"opens": "09:00", "closes": "17:00"}]})
        body = success(api_client, "get", f"/api/v1/venues/{venue.id}/").json()
        assert body == {
            "id": str(venue.id),
            "council": venue.council.slug,
            "name": venue.name,
            "name_cy": "",
            "description": "",
            "description_cy": "",
            "slug": venue.slug,
            "category": "library",
            "address": venue.address,
            "postcode": "IG11 7NB",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "radius_m": 100,
            "is_active": True,
            "opening_hours": {"monday": [{"opens": "09:00", "closes": "17:00"}]},
            "website": "",
            "foursquare": {
                "place_id": "",
                "status": "pending",
                "synced_at": None,
                "error": "",
                "drift": [],
            },
        }

    def test_the_list_filters_by_category_council_and_name(self, api_client):
        leeds = CouncilFactory(slug="leeds")
        VenueFactory(council=leeds, name="Armley Library")
        VenueFactory(council=leeds, name="Armley Leisure Centre", category="leisure_centre")
        VenueFactory(name="Armley Museum", category="museum")

        def names(query):
            body = success(api_client, "get", f"/api/v1/venues/?{query}").json()
            return sorted(venue["name"] for venue in body["results"])

        assert names("category=leisure_centre") == ["Armley Leisure Centre"]
        assert names("council=leeds") == ["Armley Leisure Centre", "Armley Library"]
        assert names("search=armley%20li") == ["Armley Library"]
        assert names("council=leeds&category=museum") == []

    def test_inactive_venues_leave_the_list_but_stay_readable(self, api_client):
        venue = VenueFactory(is_active=False)
        assert success(api_client, "get", "/api/v1/venues/").json()["count"] == 0
        assert (
            success(api_client, "get", f"/api/v1/venues/{venue.id}/").json()["is_active"] is False
        )

    @pytest.mark.parametrize(
        "query",
        [
            "category=castle",
            "near=53.8",
            "near=91,0",
            "near=a,b",
            "near=53.8,-1.5&radius=0",
            "near=53.8,-1.5&radius=50001",
            "near=53.8,-1.5&radius=far",
        ],
    )
    def test_bad_filters_are_invalid(self, api_client, query):
        body = error(api_client, "get", f"/api/v1/venues/?{query}", status=400, code="invalid")
        assert body["fields"]

    def test_page_size_is_honoured_up_to_100(self, api_client):
        council = CouncilFactory()
        Venue.objects.bulk_create(
            VenueFactory.build(council=council, name=f"V{index:03}", slug=f"v{index}")
            for index in range(105)
        )
        body = success(api_client, "get", "/api/v1/venues/?page_size=7").json()
        assert (body["count"], len(body["results"])) == (105, 7)
        assert body["next"] and body["previous"] is None
        assert (
            len(success(api_client, "get", "/api/v1/venues/?page_size=100").json()["results"])
            == 100
        )
        # Over the schema's maximum is refused, as are 0 and null (no quiet default).
        for size in ("500", "0", "null"):
            error(
                api_client, "get", f"/api/v1/venues/?page_size={size}", status=400, code="invalid"
            )
        error(api_client, "get", "/api/v1/venues/?page=99", status=404, code="not_found")

    @pytest.mark.parametrize("page_size", [5, 50])
    def test_the_list_costs_the_same_queries_whatever_the_page_size(
        self, api_client, django_assert_num_queries, page_size
    ):
        for _ in range(3):
            council = CouncilFactory()
            VenueFactory.create_batch(20, council=council)
        with django_assert_num_queries(2):  # count + one page with its councils
            body = success(api_client, "get", f"/api/v1/venues/?page_size={page_size}").json()
        assert len(body["results"]) == page_size
        with django_assert_num_queries(2):  # candidates in the box + one page
            body = success(
                api_client, "get", f"/api/v1/venues/?near=51.5364,0.0800&page_size={page_size}"
            ).json()
        assert len(body["results"]) == page_size


class TestCreate:
    def test_council_admin_registers_a_venue(self):
        council = CouncilFactory()
        body = success(
            client_for(council_admin_of(council)),
            "post",
            "/api/v1/venues/",
            new_venue(council, radius_m=150),
            status=201,
        ).json()
        venue = Venue.objects.get(id=body["id"])
        assert (venue.council, venue.postcode, venue.radius_m) == (council, "LS1 3AB", 150)
        assert body["slug"] == "leeds-central-library"
        assert body["foursquare"]["status"] == "pending"

    def test_radius_defaults_to_100_and_names_get_unique_slugs(self):
        council = CouncilFactory()
        client = client_for(council_admin_of(council))
        first = success(client, "post", "/api/v1/venues/", new_venue(council), status=201).json()
        second = success(
            client, "post", "/api/v1/venues/", new_venue(council, postcode="LS1 1AA"), status=201
        ).json()
        assert first["radius_m"] == 100
        assert (first["slug"], second["slug"]) == (
            "leeds-central-library",
            "leeds-central-library-2",
        )

    def test_the_same_name_and_postcode_twice_is_venue_exists(self):
        council = CouncilFactory()
        client = client_for(council_admin_of(council))
        success(client, "post", "/api/v1/venues/", new_venue(council), status=201)
        error(
            client,
            "post",
            "/api/v1/venues/",
            new_venue(council, postcode="LS1 3AB"),
            status=409,
            code="venue_exists",
        )
        assert Venue.objects.count() == 1

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"radius_m": 9}, "radius_m"),
            ({"radius_m": 1001}, "radius_m"),
            ({"latitude": 90.5}, "latitude"),
            ({"longitude": -180.5}, "longitude"),
            ({"category": "castle"}, "category"),
            ({"postcode": "NOT A CODE"}, "postcode"),
            ({"name": ""}, "name"),
            ({"council": "atlantis"}, "council"),
            ({"opening_hours": {"funday": []}}, "opening_hours"),
            (
                {"opening_hours": {"monday": [{"opens": "18:00", "closes": "09:00"}]}},
                "opening_hours",
            ),
        ],
    )
    def test_bad_fields_are_invalid_and_nothing_is_stored(self, overrides, field):
        council = CouncilFactory()
        body = error(
            client_for(council_admin_of(council)),
            "post",
            "/api/v1/venues/",
            new_venue(council, **overrides),
            status=400,
            code="invalid",
        )
        assert field in body["fields"]
        assert not Venue.objects.exists()

    def test_latitude_without_longitude_is_invalid(self):
        council = CouncilFactory()
        data = new_venue(council)
        del data["longitude"]
        error(
            client_for(council_admin_of(council)),
            "post",
            "/api/v1/venues/",
            data,
            status=400,
            code="invalid",
        )

    def test_only_the_councils_admin_registers_its_venues(self, api_client):
        council_a = VenueFactory().council
        outsiders = [
            council_admin_of(CouncilFactory()),
            venue_manager_of(council_a.venues.first()),
            venue_staff_of(council_a.venues.first()),
            UserFactory(),
        ]
        for outsider in outsiders:
            error(
                client_for(outsider),
                "post",
                "/api/v1/venues/",
                new_venue(council_a),
                status=403,
                code="permission_denied",
            )
        error(
            api_client,
            "post",
            "/api/v1/venues/",
            new_venue(council_a),
            status=401,
            code="not_authenticated",
        )
        assert Venue.objects.count() == 1


class TestUpdateAndDeactivate:
    def test_a_venue_manager_edits_the_venue(self):
        venue = VenueFactory()
        hours = {
            "saturday": [
                {"opens": "10:00", "closes": "13:00"},
                {"opens": "14:00", "closes": "16:00"},
            ]
        }
        body = success(
            client_for(venue_manager_of(venue)),
            "patch",
            f"/api/v1/venues/{venue.id}/",
            {"radius_m": 250, "opening_hours": hours, "name": "Barking Library"},
        ).json()
        assert (body["radius_m"], body["opening_hours"], body["name"]) == (
            250,
            hours,
            "Barking Library",
        )
        venue.refresh_from_db()
        assert venue.radius_m == 250 and venue.opening_hours == hours

    def test_a_manager_gives_the_venue_a_welsh_name_and_description(self):
        venue = VenueFactory(name="Pool Road Library")
        welsh = {
            "name_cy": "Llyfrgell Ffordd y Pŵl",
            "description": "Books, computers and a café.",
            "description_cy": "Llyfrau, cyfrifiaduron a chaffi.",
        }
        path = f"/api/v1/venues/{venue.id}/"
        body = success(client_for(venue_manager_of(venue)), "patch", path, welsh).json()
        assert {name: body[name] for name in welsh} == welsh
        venue.refresh_from_db()
        assert venue.name_in("cy") == "Llyfrgell Ffordd y Pŵl"
        assert venue.name_in("en-gb") == "Pool Road Library"

    def test_moving_the_pin_by_hand_needs_both_coordinates(self):
        venue = VenueFactory()
        client = client_for(venue_manager_of(venue))
        error(
            client,
            "patch",
            f"/api/v1/venues/{venue.id}/",
            {"latitude": 51.6},
            status=400,
            code="invalid",
        )
        body = success(
            client, "patch", f"/api/v1/venues/{venue.id}/", {"latitude": 51.6, "longitude": 0.1}
        ).json()
        assert (body["latitude"], body["longitude"]) == (51.6, 0.1)

    def test_a_manager_can_link_the_foursquare_place_by_hand(self):
        venue = VenueFactory()
        body = success(
            client_for(venue_manager_of(venue)),
            "patch",
            f"/api/v1/venues/{venue.id}/",
            {"foursquare_place_id": "4b0588a0f964a5203ad422e3"},
        ).json()
        assert body["foursquare"]["place_id"] == "4b0588a0f964a5203ad422e3"

    def test_overlapping_opening_hours_are_invalid(self):
        venue = VenueFactory()
        hours = {
            "monday": [{"opens": "09:00", "closes": "13:00"}, {"opens": "12:00", "closes": "17:00"}]
        }
        error(
            client_for(venue_manager_of(venue)),
            "patch",
            f"/api/v1/venues/{venue.id}/",
            {"opening_hours": hours},
            status=400,
            code="invalid",
        )

    def test_delete_deactivates_and_keeps_the_venue(self):
        venue = VenueFactory()
        success(
            client_for(council_admin_of(venue.council)),
            "delete",
            f"/api/v1/venues/{venue.id}/",
            status=204,
        )
        venue.refresh_from_db()
        assert venue.is_active is False

    def test_staff_outsiders_and_other_councils_cannot_edit(self, api_client):
        venue = VenueFactory(name="Original")
        sibling = VenueFactory(council=venue.council)
        outsiders = [
            venue_staff_of(venue),
            venue_manager_of(sibling),
            council_admin_of(CouncilFactory()),
            UserFactory(),
        ]
        for outsider in outsiders:
            client = client_for(outsider)
            error(
                client,
                "patch",
                f"/api/v1/venues/{venue.id}/",
                {"name": "Hijacked"},
                status=403,
                code="permission_denied",
            )
            error(
                client,
                "delete",
                f"/api/v1/venues/{venue.id}/",
                status=403,
                code="permission_denied",
            )
        error(
            api_client,
            "patch",
            f"/api/v1/venues/{venue.id}/",
            {"name": "Hijacked"},
            status=401,
            code="not_authenticated",
        )
        venue.refresh_from_db()
        assert venue.name == "Original" and venue.is_active

    def test_editing_an_unknown_venue_is_not_found(self):
        error(
            client_for(UserFactory(is_superuser=True)),
            "patch",
            f"/api/v1/venues/{uuid.uuid4()}/",
            {"name": "X"},
            status=404,
            code="not_found",
        )


def test_an_unknown_field_is_refused_as_invalid_and_nothing_changes():
    venue = VenueFactory(name="Hub")
    with pytest.raises(ApplicationError) as refused:
        venue_update(venue=venue, changes={"name": "Renamed", "slug": "elsewhere"})
    assert refused.value.code == "invalid"
    assert set(refused.value.extra["fields"]) == {"slug"}
    venue.refresh_from_db()
    assert venue.name == "Hub"


def test_a_retried_venue_create_replays_the_201_not_a_conflict():
    council = CouncilFactory()
    client = client_for(council_admin_of(council))
    data = {
        "council": council.slug,
        "name": "Hub",
        "category": "community_centre",
        "address": "1 High St",
        "postcode": "LS1 3AB",
        "latitude": 53.8,
        "longitude": -1.5,
    }
    first = success(client, "post", "/api/v1/venues/", data, status=201, HTTP_IDEMPOTENCY_KEY="v1")
    again = success(client, "post", "/api/v1/venues/", data, status=201, HTTP_IDEMPOTENCY_KEY="v1")
    assert again.json()["id"] == first.json()["id"]
    assert Venue.objects.filter(council=council).count() == 1


def test_only_the_council_reactivates_a_venue():
    venue = VenueFactory(is_active=False)
    url = f"/api/v1/venues/{venue.id}/"
    error(
        client_for(venue_manager_of(venue)),
        "patch",
        url,
        {"is_active": True},
        status=403,
        code="permission_denied",
    )
    success(client_for(council_admin_of(venue.council)), "patch", url, {"is_active": True})
    venue.refresh_from_db()
    assert venue.is_active
