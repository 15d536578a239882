"""The geo search gives exactly what a full geodesic scan gives: same venues, same order."""

import random

import pytest
from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api import success
from tests.factories import CouncilFactory, VenueFactory
from venues.geo import bounding_box, geodesic_m, geodesics_from_m
from venues.models import Venue
from venues.selectors import venue_list, venues_near

latitudes = st.floats(min_value=-89.99, max_value=89.99, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distances_agree_with_geopy_to_a_micrometre(lat1, lng1, lat2, lng2):
    assert geodesic_m(lat1, lng1, lat2, lng2) == pytest.approx(
        geodesic((lat1, lng1), (lat2, lng2)).meters, abs=1e-6
    )


@given(latitudes, longitudes, st.lists(st.tuples(latitudes, longitudes), max_size=20))
def test_the_vectorised_distances_equal_the_single_ones(lat, lng, points):
    many = geodesics_from_m(lat, lng, [p[0] for p in points], [p[1] for p in points])
    assert many == [geodesic_m(lat, lng, p[0], p[1]) for p in points]


@settings(max_examples=500)
@given(
    latitudes,
    longitudes,
    st.floats(min_value=1, max_value=50_000),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=-180, max_value=180),
)
def test_every_point_within_the_radius_is_inside_the_bounding_box(
    lat, lng, radius, fraction, bearing
):
    point = Geodesic.WGS84.Direct(lat, lng, bearing, radius * fraction)
    box = bounding_box(lat, lng, radius)
    assert box.min_lat <= point["lat2"] <= box.max_lat
    if box.longitude_ranges:
        assert any(west <= point["lon2"] <= east for west, east in box.longitude_ranges)


def brute_force(centre, radius_m):
    """The reference: every active venue's geodesic distance, one by one, cut at the radius and
    sorted by distance then id."""
    within = []
    for venue_id, lat, lng in Venue.objects.filter(is_active=True).values_list(
        "id", "latitude", "longitude"
    ):
        distance = geodesic_m(centre[0], centre[1], lat, lng)
        if distance <= radius_m:
            within.append((distance, str(venue_id)))
    return [venue_id for _, venue_id in sorted(within)]


# Query centres over Great Britain, and a few where boxes misbehave: the antimeridian, high
# latitudes, the equator.
CENTRES = [
    (53.7997, -1.5492),
    (51.5074, -0.1278),
    (55.9533, -3.1883),
    (50.3755, -4.1427),
    (57.1497, -2.0943),
    (0.0, 0.0),
    (-16.5, 179.9),
    (64.1, -179.95),
    (78.2, 15.6),
]


@pytest.fixture
def scattered_venues(db):
    """~3,000 venues: uniform over GB plus rings around each centre just inside and outside
    typical radii, where a wrong bounding box would lose or keep the wrong ones."""
    rng = random.Random(20261125)
    council = CouncilFactory()
    venues = []

    def add(lat, lng):
        index = len(venues)
        venues.append(
            Venue(
                council=council,
                name=f"V{index}",
                slug=f"v{index}",
                category="library",
                address="1 High St",
                postcode="LS1 3AB",
                latitude=lat,
                longitude=lng,
                is_active=rng.random() > 0.05,
            )
        )

    for _ in range(1500):
        add(rng.uniform(49.9, 58.7), rng.uniform(-6.5, 1.8))
    for lat, lng in CENTRES:
        for radius in (1000, 5000, 20000):
            for _ in range(50):
                end = Geodesic.WGS84.Direct(
                    lat, lng, rng.uniform(-180, 180), radius * rng.uniform(0.95, 1.05)
                )
                add(end["lat2"], end["lon2"])
    Venue.objects.bulk_create(venues, batch_size=1000)
    return venues


@pytest.mark.parametrize("radius_m", [1000, 5000, 20000, 50000])
def test_near_search_matches_a_full_geodesic_scan(scattered_venues, radius_m):
    for centre in CENTRES:
        found = venues_near(
            venue_list(), latitude=centre[0], longitude=centre[1], radius_m=radius_m
        )
        assert [str(item.id) for item in found.ranking] == brute_force(centre, radius_m), centre


def test_the_api_pages_through_the_exact_ranking(scattered_venues, api_client):
    centre, radius_m = CENTRES[0], 20000
    expected = brute_force(centre, radius_m)
    assert len(expected) > 30
    seen, url = [], f"/api/v1/venues/?near={centre[0]},{centre[1]}&radius={radius_m}&page_size=13"
    while url:
        body = success(api_client, "get", url).json()
        assert body["count"] == len(expected)
        seen.extend(body["results"])
        url = body["next"]
    assert [venue["id"] for venue in seen] == expected
    distances = [venue["distance_m"] for venue in seen]
    assert distances == sorted(distances)
    first = Venue.objects.get(id=seen[0]["id"])
    assert seen[0]["distance_m"] == pytest.approx(
        geodesic(centre, (first.latitude, first.longitude)).meters, abs=1e-6
    )


def test_the_default_radius_is_5000_metres(db, api_client):
    council = CouncilFactory()
    near = Geodesic.WGS84.Direct(53.8, -1.55, 90, 4990)
    far = Geodesic.WGS84.Direct(53.8, -1.55, 90, 5010)
    VenueFactory(council=council, name="Near", latitude=near["lat2"], longitude=near["lon2"])
    VenueFactory(council=council, name="Far", latitude=far["lat2"], longitude=far["lon2"])
    body = success(api_client, "get", "/api/v1/venues/?near=53.8,-1.55").json()
    assert [venue["name"] for venue in body["results"]] == ["Near"]
    assert 4989 < body["results"][0]["distance_m"] < 4991


def test_near_combines_with_the_other_filters(db, api_client):
    council = CouncilFactory(slug="leeds")
    VenueFactory(council=council, name="Library", latitude=53.8, longitude=-1.55)
    VenueFactory(
        council=council, name="Pool", category="leisure_centre", latitude=53.8, longitude=-1.55
    )
    VenueFactory(name="Elsewhere's pool", category="leisure_centre", latitude=53.8, longitude=-1.55)
    body = success(
        api_client, "get", "/api/v1/venues/?near=53.8,-1.55&category=leisure_centre&council=leeds"
    ).json()
    assert [venue["name"] for venue in body["results"]] == ["Pool"]
