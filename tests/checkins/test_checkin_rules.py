"""Every rule of a check-in, each refusal with its exact status and code, at its boundary."""

import pytest
from django.db import connection
from geographiclib.geodesic import Geodesic
from rest_framework.throttling import ScopedRateThrottle

from checkins.models import CheckIn, CheckinAttempt
from checkins.services import _duration
from rewards.offers.services import offer_create
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from tests.helpers import assert_head_is_held_to_the_access_of_get
from tests.venues.posters.helpers import printed_before_issue_12
from venues.posters.services import poster_create, poster_revoke

pytestmark = pytest.mark.django_db

LEEDS = (53.800156, -1.548691)


@pytest.fixture
def venue():
    return VenueFactory(
        name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1], radius_m=100
    )


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa")


@pytest.fixture
def client(resident):
    return client_for(resident)


def point_at(origin, metres, bearing=90.0):
    end = Geodesic.WGS84.Direct(origin[0], origin[1], bearing, metres)
    return end["lat2"], end["lon2"]


def gps(venue, metres=0.0, accuracy=10.0, bearing=90.0):
    lat, lng = point_at((venue.latitude, venue.longitude), metres, bearing)
    return {"venue": str(venue.id), "latitude": lat, "longitude": lng, "accuracy_m": accuracy}


def refused(client, data, *, status, code):
    body = error(client, "post", "/api/v1/checkins/", data, status=status, code=code)
    assert not CheckIn.objects.exists() or code in ("cooldown", "impossible_travel")
    return body


def test_a_gps_check_in_inside_the_geofence_is_recorded(client, resident, venue):
    body = success(client, "post", "/api/v1/checkins/", gps(venue, 40), status=201).json()
    assert body["venue"] == str(venue.id) and body["method"] == "gps"
    assert body["distance_m"] == pytest.approx(40, abs=0.01)
    assert body["points_earned"] == 0 and body["rewards"] == []
    checkin = CheckIn.objects.get(id=body["id"])
    assert (checkin.resident, checkin.venue, checkin.accuracy_m) == (resident, venue, 10.0)
    assert checkin.latitude is not None


class TestGeofence:
    def test_exactly_on_the_edge_is_accepted_and_just_past_it_refused(self, client, venue):
        # radius 100 + accuracy 30 (under the 50 m slack) = 130 m allowed.
        success(client, "post", "/api/v1/checkins/", gps(venue, 129.99, accuracy=30), status=201)
        CheckIn.objects.all().delete()
        body = refused(client, gps(venue, 130.01, accuracy=30), status=400, code="outside_geofence")
        assert "130 m" in body["detail"]

    def test_the_accuracy_slack_is_capped(self, client, venue, settings):
        settings.CHECKIN_ACCURACY_SLACK_M = 50
        # accuracy 90 would allow 190 m, but only 50 m of it counts: 150 m.
        success(client, "post", "/api/v1/checkins/", gps(venue, 149.9, accuracy=90), status=201)
        CheckIn.objects.all().delete()
        body = refused(client, gps(venue, 160, accuracy=90), status=400, code="outside_geofence")
        assert body["distance_m"] == pytest.approx(160, abs=0.1)

    def test_the_refusal_says_the_distance_and_is_logged(self, client, resident, venue):
        body = refused(client, gps(venue, 2500), status=400, code="outside_geofence")
        assert "2500 m" in body["detail"]
        attempt = CheckinAttempt.objects.get()
        assert (attempt.resident, attempt.venue, attempt.reason) == (
            resident,
            venue,
            "outside_geofence",
        )
        assert attempt.distance_m == pytest.approx(2500, abs=0.1)


class TestAccuracy:
    @pytest.mark.parametrize("accuracy", [0, -1, 100.01, 5000])
    def test_a_missing_negative_or_too_coarse_accuracy_is_poor(self, client, venue, accuracy):
        refused(client, gps(venue, 0, accuracy=accuracy), status=400, code="poor_accuracy")
        assert CheckinAttempt.objects.get().reason == "poor_accuracy"

    def test_the_maximum_accuracy_itself_is_accepted(self, client, venue):
        success(client, "post", "/api/v1/checkins/", gps(venue, 0, accuracy=100), status=201)

    def test_the_maximum_comes_from_settings(self, client, venue, settings):
        settings.CHECKIN_MAX_ACCURACY_M = 20
        refused(client, gps(venue, 0, accuracy=25), status=400, code="poor_accuracy")


def test_an_inactive_venue_is_refused(client, venue):
    venue.is_active = False
    venue.save()
    refused(client, gps(venue), status=400, code="venue_inactive")
    assert CheckinAttempt.objects.get().reason == "venue_inactive"


class TestQr:
    @pytest.fixture
    def poster(self, venue):
        return poster_create(venue=venue, label="Main door", created_by=None)

    def test_a_qr_check_in_needs_no_location(self, client, venue, poster):
        body = success(
            client, "post", "/api/v1/checkins/", {"qr_token": poster.token}, status=201
        ).json()
        assert (body["venue"], body["method"], body["distance_m"]) == (str(venue.id), "qr", None)
        assert CheckIn.objects.get().poster == poster

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda token: "not-a-token",
            lambda token: token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
            lambda token: ("B" if token[0] == "A" else "A") + token[1:],
        ],
        ids=["garbage", "bad-signature", "changed-code"],
    )
    def test_malformed_or_forged_tokens_are_invalid_qr(self, client, poster, tamper):
        response = client.post(
            "/api/v1/checkins/", {"qr_token": tamper(poster.token)}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_qr"
        assert not CheckIn.objects.exists()

    def test_a_poster_printed_before_issue_12_still_checks_in(self, client, venue):
        old = printed_before_issue_12(venue)
        assert old.token.count(".") == 2  # its QR carries the JWS of the first posters
        body = success(client, "post", "/api/v1/checkins/", {"qr_token": old.token}, status=201)
        assert body.json()["method"] == "qr"
        assert CheckIn.objects.get().poster == old

    def test_a_forged_token_is_logged_as_invalid_qr(self, client, poster):
        refused(client, {"qr_token": poster.token[:-4] + "AAAA"}, status=400, code="invalid_qr")
        assert CheckinAttempt.objects.get().reason == "invalid_qr"

    def test_a_token_for_another_venue_than_the_one_named_is_invalid_qr(self, client, poster):
        other = VenueFactory()
        refused(
            client,
            {"qr_token": poster.token, "venue": str(other.id)},
            status=400,
            code="invalid_qr",
        )

    def test_a_revoked_poster_is_gone(self, client, poster):
        poster_revoke(poster=poster, revoked_by=None)
        refused(client, {"qr_token": poster.token}, status=410, code="revoked_qr")
        assert CheckinAttempt.objects.get().reason == "revoked_qr"

    def test_qr_with_a_fix_far_away_is_outside_the_geofence(self, client, venue, poster):
        data = {"qr_token": poster.token, **gps(venue, 5000)}
        del data["venue"]
        refused(client, data, status=400, code="outside_geofence")

    def test_qr_with_a_fix_at_the_door_is_accepted_with_its_distance(self, client, venue, poster):
        data = {"qr_token": poster.token, **gps(venue, 20)}
        body = success(client, "post", "/api/v1/checkins/", data, status=201).json()
        assert body["method"] == "qr" and body["distance_m"] == pytest.approx(20, abs=0.01)


class TestCooldown:
    def test_a_second_check_in_within_the_cooldown_is_refused_with_retry_after(self, client, venue):
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        body = refused(client, gps(venue), status=409, code="cooldown")
        assert 14390 <= body["retry_after"] <= 14400
        assert CheckIn.objects.count() == 1

    def test_the_cooldown_edge(self, client, venue, clock, settings):
        settings.CHECKIN_COOLDOWN_SECONDS = 3600
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        clock.advance(seconds=3599)
        body = refused(client, gps(venue), status=409, code="cooldown")
        assert body["retry_after"] == 1
        clock.advance(seconds=1)
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)

    def test_the_cooldown_is_per_venue_and_per_resident(self, client, venue):
        neighbour = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        success(client, "post", "/api/v1/checkins/", gps(neighbour), status=201)
        success(client_for(UserFactory()), "post", "/api/v1/checkins/", gps(venue), status=201)

    def test_coming_back_after_a_neighbour_is_still_within_the_cooldown(self, client, venue, clock):
        neighbour = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        clock.advance(minutes=10)
        success(client, "post", "/api/v1/checkins/", gps(neighbour), status=201)
        clock.advance(minutes=10)
        body = refused(client, gps(venue), status=409, code="cooldown")
        assert body["retry_after"] == 14400 - 20 * 60


class TestImpossibleTravel:
    @pytest.fixture
    def york(self):
        return VenueFactory(name="York Explore", latitude=53.9614, longitude=-1.0851)

    def test_leeds_to_york_in_five_minutes_is_refused(self, client, venue, york, clock):
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        clock.advance(minutes=5)  # ~34 km: ~400 km/h
        body = refused(client, gps(york), status=400, code="impossible_travel")
        assert "Leeds Central Library" in body["detail"]
        clock.advance(minutes=25)  # 30 minutes in all: ~68 km/h
        success(client, "post", "/api/v1/checkins/", gps(york), status=201)

    def test_the_maximum_speed_comes_from_settings(self, client, venue, york, clock, settings):
        settings.CHECKIN_MAX_SPEED_KMH = 50
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        clock.advance(minutes=30)
        refused(client, gps(york), status=400, code="impossible_travel")

    def test_neighbouring_venues_are_never_impossible(self, client, venue):
        next_door = VenueFactory(
            latitude=point_at(LEEDS, 150)[0], longitude=point_at(LEEDS, 150)[1]
        )
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
        success(client, "post", "/api/v1/checkins/", gps(next_door), status=201)


class TestInput:
    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"latitude": 53.8, "longitude": -1.5, "accuracy_m": 5},
            {"venue": "not-a-uuid", "latitude": 53.8, "longitude": -1.5, "accuracy_m": 5},
            {
                "venue": "00000000-0000-0000-0000-000000000000",
                "latitude": 53.8,
                "longitude": -1.5,
                "accuracy_m": 5,
            },
            {"venue": "VENUE"},
            {"venue": "VENUE", "latitude": 53.8, "longitude": -1.5},
            {"venue": "VENUE", "latitude": 95, "longitude": -1.5, "accuracy_m": 5},
            {"venue": "VENUE", "latitude": "north", "longitude": -1.5, "accuracy_m": 5},
        ],
    )
    def test_bad_input_is_invalid_and_stores_nothing(self, client, venue, data):
        data = {key: (str(venue.id) if value == "VENUE" else value) for key, value in data.items()}
        body = error(client, "post", "/api/v1/checkins/", data, status=400, code="invalid")
        assert body["fields"]
        assert not CheckIn.objects.exists() and not CheckinAttempt.objects.exists()

    def test_anonymous_callers_cannot_check_in(self, api_client, venue):
        error(
            api_client,
            "post",
            "/api/v1/checkins/",
            gps(venue),
            status=401,
            code="not_authenticated",
        )


CHECK_IN_QUERIES = 7 if connection.vendor == "postgresql" else 8


def test_the_check_in_costs_a_fixed_number_of_queries(client, venue, django_assert_num_queries):
    VenueFactory.create_batch(3)
    neighbour = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
    success(client, "post", "/api/v1/checkins/", gps(neighbour), status=201)
    # The venue; the transaction (a savepoint here, and its release); the resident's row lock;
    # cooldown and travel in one; the insert with the upsert of its row in the daily rollup
    # (one statement on PostgreSQL, two on SQLite: checkins.visit_days); one probe finds no
    # live offer.
    with django_assert_num_queries(CHECK_IN_QUERIES):
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)


def test_a_first_check_in_anywhere_costs_no_query_more(client, venue, django_assert_num_queries):
    # Nowhere else before: the one statement of the cooldown and travel checks still answers.
    with django_assert_num_queries(CHECK_IN_QUERIES):
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)


def test_each_rewarding_offer_adds_a_bounded_number_of_queries(
    client, venue, django_assert_max_num_queries
):
    for points in (10, 20, 30):
        offer_create(
            council=None,
            venue=venue,
            created_by=None,
            title=f"{points} points",
            rule="every_checkin",
            points=points,
            max_rewards=100,
        )
    # ~19 a rewarding offer: its pool and the wallet, the posting (replay check, row locks,
    # transaction, entries, posted totals, savepoints), the points lot and the grant.
    # The base of 10 includes the daily rollup's upsert (one statement a check-in).
    with django_assert_max_num_queries(10 + 3 * 20):
        body = success(client, "post", "/api/v1/checkins/", gps(venue), status=201).json()
    assert body["points_earned"] == 60 and len(body["rewards"]) == 3


class TestLists:
    def test_residents_see_their_own_check_ins_newest_first(self, client, resident, venue):
        other_venue = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
        first = success(client, "post", "/api/v1/checkins/", gps(venue), status=201).json()
        second = success(client, "post", "/api/v1/checkins/", gps(other_venue), status=201).json()
        success(client_for(UserFactory()), "post", "/api/v1/checkins/", gps(venue), status=201)
        body = success(client, "get", "/api/v1/checkins/").json()
        assert [item["id"] for item in body["results"]] == [second["id"], first["id"]]

    def test_managers_see_visitors_by_display_name_only(self, client, resident, venue):
        success(client, "post", "/api/v1/checkins/", gps(venue, 30), status=201)
        response = success(
            client_for(venue_manager_of(venue)), "get", f"/api/v1/venues/{venue.id}/checkins/"
        )
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["visitor"] == "Rosa"
        assert set(body["results"][0]) == {
            "id",
            "visitor",
            "resident",  # an opaque id, to list one visitor's history (?resident=)
            "method",
            "evidence",
            "assisted_by",
            "distance_m",
            "created_at",
            "voided_at",
            "void_reason",
        }
        assert resident.email.encode() not in response.content
        assert b"latitude" not in response.content

    def test_others_cannot_list_a_venues_check_ins(self, client, venue, api_client):
        path = f"/api/v1/venues/{venue.id}/checkins/"
        error(client, "get", path, status=403, code="permission_denied")
        error(
            client_for(venue_manager_of(VenueFactory())),
            "get",
            path,
            status=403,
            code="permission_denied",
        )
        error(api_client, "get", path, status=401, code="not_authenticated")


def test_check_ins_are_throttled_by_their_own_scope(client, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "checkins": "2/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    venues = [VenueFactory(latitude=LEEDS[0], longitude=LEEDS[1]) for _ in range(3)]
    for venue in venues[:2]:
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    error(client, "post", "/api/v1/checkins/", gps(venues[2]), status=429, code="throttled")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (14400, "4 h"),
        (14399, "4 h"),
        (3599, "1 h"),
        (3661, "1 h 2 min"),
        (90, "2 min"),
        (1, "1 min"),
        (0, "1 min"),
    ],
)
def test_waits_are_said_in_whole_minutes_rounded_up(seconds, text):
    assert _duration(seconds) == text


def test_head_on_a_venues_check_ins_is_held_to_the_same_access_as_get():
    venue = VenueFactory()
    assert_head_is_held_to_the_access_of_get(
        f"/api/v1/venues/{venue.id}/checkins/", council=venue.council
    )
