"""Geocoding through geopy's real Nominatim client, against a local fake Nominatim.

The fake answers as nominatim.openstreetmap.org does: ``GET /search?q=...&format=json&limit=1
&countrycodes=gb`` gives a JSON list of places (``lat``/``lon`` as strings), ``[]`` when nothing
matches. Its handlers match those exact parameters, so a request geopy shapes differently finds
no place and the test fails.
"""

import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.api import error, success
from tests.conftest import client_for
from tests.factories import CouncilFactory, VenueFactory, council_admin_of, venue_manager_of
from venues.geocoding import Coordinates, GeocodingFailed, geocode_address
from venues.models import Venue

CENTRAL_ADDRESS = "Municipal Buildings, Calverley Street, Leeds"
CENTRAL_QUERY = f"{CENTRAL_ADDRESS}, LS1 3AB"
HUNSLET_ADDRESS = "Waterloo Road, Hunslet, Leeds"
HUNSLET_QUERY = f"{HUNSLET_ADDRESS}, LS10 2QB"


def nominatim_place(lat: str, lon: str, display_name: str) -> dict:
    return {
        "place_id": 134_283_922,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 4_297_652,
        "lat": lat,
        "lon": lon,
        "class": "amenity",
        "type": "library",
        "place_rank": 30,
        "importance": 0.5,
        "addresstype": "amenity",
        "name": display_name.split(",")[0],
        "display_name": display_name,
        "boundingbox": ["53.7998", "53.8004", "-1.5491", "-1.5483"],
    }


@pytest.fixture
def nominatim(httpserver, settings):
    """The local fake, with the geocoder pointed at it; it knows no place until told."""
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{httpserver.port}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT_SECONDS = 2.0
    return httpserver


def search_params(query: str) -> dict[str, str]:
    return {"q": query, "format": "json", "limit": "1", "countrycodes": "gb"}


def knows_place(server, query: str, place: dict) -> None:
    server.expect_request(
        "/search", method="GET", query_string=search_params(query)
    ).respond_with_json([place])


def finds_nothing_else(server) -> None:
    """Nominatim's answer to a query it cannot match: an empty list."""
    server.expect_request("/search", method="GET").respond_with_json([])


def searched_queries(server) -> list[str]:
    return [request.args.get("q") for request, _ in server.log]


@pytest.fixture
def leeds_nominatim(nominatim):
    knows_place(
        nominatim,
        CENTRAL_QUERY,
        nominatim_place("53.8001", "-1.5487", "Leeds Central Library, Calverley Street, Leeds"),
    )
    knows_place(
        nominatim,
        HUNSLET_QUERY,
        nominatim_place("53.7748", "-1.5306", "Hunslet Library, Waterloo Road, Leeds"),
    )
    finds_nothing_else(nominatim)
    return nominatim


# --- geocode_address ----------------------------------------------------------------------


def test_geocode_address_returns_the_coordinates_of_the_place_found(leeds_nominatim):
    found = geocode_address(address=f"  {CENTRAL_ADDRESS} ", postcode="LS1 3AB")

    assert found == Coordinates(latitude=53.8001, longitude=-1.5487)
    assert searched_queries(leeds_nominatim) == [CENTRAL_QUERY]


def test_geocode_address_identifies_itself_to_nominatim(leeds_nominatim, settings):
    settings.GEOCODER_USER_AGENT = "council-checkins-tests/1.0"

    geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")

    (request, _), *_ = leeds_nominatim.log
    assert request.headers["User-Agent"] == "council-checkins-tests/1.0"


def test_an_address_nominatim_does_not_know_raises_geocoding_failed(leeds_nominatim):
    with pytest.raises(GeocodingFailed, match="no place was found for '1 Nowhere Lane, LS1 1AA'"):
        geocode_address(address="1 Nowhere Lane", postcode="LS1 1AA")

    assert searched_queries(leeds_nominatim) == ["1 Nowhere Lane, LS1 1AA"]


def test_an_empty_address_raises_geocoding_failed_without_asking(nominatim):
    with pytest.raises(GeocodingFailed, match="no address"):
        geocode_address(address="  ", postcode="")

    assert nominatim.log == []


def test_a_server_error_raises_geocoding_failed(nominatim):
    nominatim.expect_request("/search").respond_with_data("Internal Server Error", status=500)

    with pytest.raises(GeocodingFailed, match="service failed"):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_rate_limiting_raises_geocoding_failed(nominatim):
    nominatim.expect_request("/search").respond_with_data("Too Many Requests", status=429)

    with pytest.raises(GeocodingFailed, match="service failed"):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_a_rate_limited_service_fails_without_waiting_out_retry_after(nominatim, settings):
    settings.GEOCODER_TIMEOUT_SECONDS = 0.5
    nominatim.expect_request("/search").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "2"}
    )
    started = time.monotonic()

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")

    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"{elapsed:.1f} s and {len(nominatim.log)} requests"


def test_an_answer_that_is_not_json_raises_geocoding_failed(nominatim):
    nominatim.expect_request("/search").respond_with_data(
        "<html><body>Bad gateway</body></html>", status=200, content_type="text/html"
    )

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_truncated_json_raises_geocoding_failed(nominatim):
    nominatim.expect_request("/search").respond_with_data(
        '[{"place_id": 1, "lat": "53.80', content_type="application/json"
    )

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_a_place_with_unreadable_coordinates_raises_geocoding_failed(nominatim):
    nominatim.expect_request("/search").respond_with_json(
        [nominatim_place("fifty-three", "-1.5487", "Leeds Central Library")]
    )

    with pytest.raises(GeocodingFailed, match="malformed"):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_a_json_answer_of_the_wrong_shape_raises_geocoding_failed(nominatim):
    # e.g. GEOCODER_DOMAIN pointed at a Photon server, which answers GeoJSON.
    nominatim.expect_request("/search").respond_with_json(
        {"type": "FeatureCollection", "features": []}
    )

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_a_place_without_coordinates_raises_geocoding_failed(nominatim):
    place = nominatim_place("53.8001", "-1.5487", "Leeds Central Library")
    del place["lat"], place["lon"]
    nominatim.expect_request("/search").respond_with_json([place])

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


@pytest.fixture
def slow_nominatim(settings):
    """A fake that holds every answer far beyond GEOCODER_TIMEOUT_SECONDS (0.5 s here).

    It runs on a server of its own, stopped at teardown: requests it still holds when the test
    ends must not reach the next test's fake and show up in its log."""
    release = threading.Event()

    def answer_late(request: Request) -> Response:
        release.wait(timeout=5)
        return Response("[]", content_type="application/json")

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/search").respond_with_handler(answer_late)
    server.start()
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.port}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT_SECONDS = 0.5
    yield server
    release.set()
    server.stop()


def test_a_slow_service_times_out_with_geocoding_failed(slow_nominatim):
    with pytest.raises(GeocodingFailed, match="service failed"):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


def test_a_slow_service_fails_within_the_configured_timeout(slow_nominatim):
    started = time.monotonic()

    with pytest.raises(GeocodingFailed):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")

    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"{elapsed:.1f} s for a 0.5 s timeout"


def test_an_unreachable_service_raises_geocoding_failed(settings):
    settings.GEOCODER_DOMAIN = "127.0.0.1:9"  # nothing listens on the discard port

    with pytest.raises(GeocodingFailed, match="service failed"):
        geocode_address(address=CENTRAL_ADDRESS, postcode="LS1 3AB")


# --- Through the API ----------------------------------------------------------------------


def venue_body(council_slug: str, **fields) -> dict:
    body = {
        "council": council_slug,
        "name": "Leeds Central Library",
        "category": "library",
        "address": CENTRAL_ADDRESS,
        "postcode": "ls1 3ab",
    }
    body.update(fields)
    return body


@pytest.mark.django_db
def test_venue_posted_without_coordinates_is_placed_where_its_address_geocodes(leeds_nominatim):
    council = CouncilFactory(slug="leeds")
    admin = client_for(council_admin_of(council))

    response = success(admin, "post", "/api/v1/venues/", venue_body("leeds"), status=201)

    body = response.json()
    assert (body["latitude"], body["longitude"], body["postcode"]) == (53.8001, -1.5487, "LS1 3AB")
    venue = Venue.objects.get(pk=body["id"])
    assert (venue.council, venue.latitude, venue.longitude) == (council, 53.8001, -1.5487)
    assert searched_queries(leeds_nominatim) == [CENTRAL_QUERY]


@pytest.mark.django_db
def test_venue_posted_with_an_address_that_cannot_be_geocoded_is_refused(leeds_nominatim):
    council = CouncilFactory(slug="leeds")
    admin = client_for(council_admin_of(council))
    body = venue_body("leeds", address="1 Nowhere Lane", postcode="LS1 1AA")

    error(admin, "post", "/api/v1/venues/", body, status=400, code="geocoding_failed")

    assert not Venue.objects.exists()
    assert searched_queries(leeds_nominatim) == ["1 Nowhere Lane, LS1 1AA"]


@pytest.mark.django_db
def test_venue_posted_while_the_geocoder_fails_is_refused(nominatim):
    nominatim.expect_request("/search").respond_with_data("Service Unavailable", status=503)
    council = CouncilFactory(slug="leeds")
    admin = client_for(council_admin_of(council))

    error(
        admin, "post", "/api/v1/venues/", venue_body("leeds"), status=400, code="geocoding_failed"
    )

    assert not Venue.objects.exists()


@pytest.mark.django_db
def test_venue_posted_with_coordinates_is_not_geocoded(leeds_nominatim):
    council = CouncilFactory(slug="leeds")
    admin = client_for(council_admin_of(council))
    body = venue_body("leeds", latitude=53.80015, longitude=-1.54869)

    response = success(admin, "post", "/api/v1/venues/", body, status=201)

    assert (response.json()["latitude"], response.json()["longitude"]) == (53.80015, -1.54869)
    assert Venue.objects.get(pk=response.json()["id"]).latitude == 53.80015
    assert leeds_nominatim.log == []


@pytest.mark.django_db
def test_patching_the_address_moves_the_venue_to_the_new_geocoded_point(leeds_nominatim):
    venue = VenueFactory(
        council=CouncilFactory(slug="leeds"),
        name="Hunslet Library",
        address=CENTRAL_ADDRESS,
        postcode="LS1 3AB",
        latitude=53.8001,
        longitude=-1.5487,
    )
    manager = client_for(venue_manager_of(venue))
    changes = {"address": HUNSLET_ADDRESS, "postcode": "LS10 2QB"}

    response = success(manager, "patch", f"/api/v1/venues/{venue.id}/", changes)

    assert (response.json()["latitude"], response.json()["longitude"]) == (53.7748, -1.5306)
    venue.refresh_from_db()
    assert (venue.address, venue.postcode) == (HUNSLET_ADDRESS, "LS10 2QB")
    assert (venue.latitude, venue.longitude) == (53.7748, -1.5306)
    assert searched_queries(leeds_nominatim) == [HUNSLET_QUERY]


@pytest.mark.django_db
def test_patching_the_address_with_coordinates_is_not_geocoded(leeds_nominatim):
    venue = VenueFactory(council=CouncilFactory(slug="leeds"))
    manager = client_for(venue_manager_of(venue))
    changes = {"address": HUNSLET_ADDRESS, "latitude": 53.7749, "longitude": -1.5307}

    success(manager, "patch", f"/api/v1/venues/{venue.id}/", changes)

    venue.refresh_from_db()
    assert (venue.address, venue.latitude, venue.longitude) == (HUNSLET_ADDRESS, 53.7749, -1.5307)
    assert leeds_nominatim.log == []


@pytest.mark.django_db
def test_patching_to_an_address_that_cannot_be_geocoded_leaves_the_venue_unchanged(
    leeds_nominatim,
):
    venue = VenueFactory(
        council=CouncilFactory(slug="leeds"),
        address=CENTRAL_ADDRESS,
        postcode="LS1 3AB",
        latitude=53.8001,
        longitude=-1.5487,
    )
    manager = client_for(venue_manager_of(venue))

    error(
        manager,
        "patch",
        f"/api/v1/venues/{venue.id}/",
        {"address": "1 Nowhere Lane"},
        status=400,
        code="geocoding_failed",
    )

    venue.refresh_from_db()
    assert (venue.address, venue.latitude, venue.longitude) == (CENTRAL_ADDRESS, 53.8001, -1.5487)
