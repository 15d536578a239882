"""The desk screen's rotating code: made for the venue's staff, accepted in its own step and the
next, refused as ``expired_qr`` once replaced for a whole period; the same check-in API."""

import base64
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from checkins.models import CheckIn, CheckinAttempt
from tests.api import error, success
from tests.checkins.helpers import CHECKINS, LEEDS, fix_at, hot_drink_offer, point_at
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of, venue_staff_of
from venues.screens.services import screen_code_current, screen_step
from venues.screens.tokens import TOKEN_LENGTH, sign_screen_token, verify_screen_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


@pytest.fixture
def client():
    return client_for(UserFactory())


def code_path(venue) -> str:
    return f"/api/v1/venues/{venue.id}/screen-code/"


class TestTheCode:
    def test_staff_get_the_current_code_with_its_url_and_times(self, venue, clock, settings):
        settings.SCREEN_CODE_SECONDS = 20
        body = success(client_for(venue_staff_of(venue)), "get", code_path(venue)).json()
        assert len(body["token"]) == TOKEN_LENGTH
        assert body["url"] == f"{settings.PUBLIC_BASE_URL}/q/{body['token']}"
        claims = verify_screen_token(body["token"])
        assert (claims.venue_id, claims.step) == (venue.id, int(clock.now.timestamp()) // 20)
        changes, expires = (claims.step + 1) * 20, (claims.step + 2) * 20
        assert body["changes_at"].startswith(_iso(changes)) and body["expires_at"].startswith(
            _iso(expires)
        )

    def test_it_changes_every_period_and_is_the_same_within_one(self, venue, clock, settings):
        settings.SCREEN_CODE_SECONDS = 20
        staff = client_for(venue_staff_of(venue))
        clock.now = clock.now.replace(second=0, microsecond=0)
        first = success(staff, "get", code_path(venue)).json()["token"]
        clock.advance(seconds=19)
        assert success(staff, "get", code_path(venue)).json()["token"] == first
        clock.advance(seconds=1)
        assert success(staff, "get", code_path(venue)).json()["token"] != first

    def test_managers_get_it_residents_and_other_venues_staff_do_not(self, venue, api_client):
        success(client_for(venue_manager_of(venue)), "get", code_path(venue))
        error(
            client_for(UserFactory()), "get", code_path(venue), status=403, code="permission_denied"
        )
        other = client_for(venue_staff_of(VenueFactory()))
        error(other, "get", code_path(venue), status=403, code="permission_denied")
        error(api_client, "get", code_path(venue), status=401, code="not_authenticated")

    def test_each_venue_has_its_own_key(self, venue, clock):
        other = VenueFactory()
        step = screen_step(clock.now)
        mine = base64.urlsafe_b64decode(sign_screen_token(venue_id=venue.id, step=step) + "=")
        theirs = base64.urlsafe_b64decode(sign_screen_token(venue_id=other.id, step=step) + "=")
        assert mine[-8:] != theirs[-8:]


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


class TestCheckingInWithIt:
    def test_a_screen_code_checks_in_as_desk_screen_and_earns_what_needs_more_than_a_poster(
        self, client, venue
    ):
        drink = hot_drink_offer(
            venue, accepts=["location", "poster_and_location", "desk_screen", "staff"]
        )
        token = screen_code_current(venue=venue).token
        body = success(client, "post", CHECKINS, {"qr_token": token}, status=201).json()
        assert (body["venue"], body["method"], body["evidence"]) == (
            str(venue.id),
            "screen",
            "desk_screen",
        )
        assert [reward["offer"] for reward in body["rewards"]] == [str(drink.id)]
        checkin = CheckIn.objects.get()
        assert (checkin.poster, checkin.distance_m) == (None, None)

    def test_the_code_of_the_step_before_is_accepted(self, client, venue, clock, settings):
        settings.SCREEN_CODE_SECONDS = 20
        clock.now = clock.now.replace(second=0, microsecond=0)  # a step starts
        token = screen_code_current(venue=venue).token
        clock.advance(seconds=39)  # replaced 19 seconds ago
        success(client, "post", CHECKINS, {"qr_token": token}, status=201)

    def test_a_code_replaced_for_a_whole_period_is_expired(self, client, venue, clock, settings):
        settings.SCREEN_CODE_SECONDS = 20
        clock.now = clock.now.replace(second=0, microsecond=0)
        token = screen_code_current(venue=venue).token
        clock.advance(seconds=40)
        body = error(client, "post", CHECKINS, {"qr_token": token}, status=400, code="expired_qr")
        assert "Scan the code on the screen again" in body["detail"]
        assert not CheckIn.objects.exists()
        assert CheckinAttempt.objects.get().reason == "expired_qr"

    def test_a_photo_relayed_a_minute_later_is_refused(self, client, venue, clock):
        token = screen_code_current(venue=venue).token
        clock.advance(minutes=1)
        error(client, "post", CHECKINS, {"qr_token": token}, status=400, code="expired_qr")

    def test_a_forged_or_future_code_is_invalid(self, client, venue, clock):
        token = screen_code_current(venue=venue).token
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        error(client, "post", CHECKINS, {"qr_token": forged}, status=400, code="invalid_qr")
        future = sign_screen_token(venue_id=venue.id, step=screen_step(clock.now) + 1)
        error(client, "post", CHECKINS, {"qr_token": future}, status=400, code="invalid_qr")

    def test_another_secret_makes_codes_that_are_not_ours(self, client, venue):
        with override_settings(SECRET_KEY="another-deployment-" + "x" * 40):
            theirs = screen_code_current(venue=venue).token
        error(client, "post", CHECKINS, {"qr_token": theirs}, status=400, code="invalid_qr")

    def test_a_code_made_before_a_key_rotation_still_works(self, client, venue, settings):
        old_secret = "the-old-secret-" + "y" * 40
        with override_settings(SECRET_KEY=old_secret):
            token = screen_code_current(venue=venue).token
        settings.SECRET_KEY_FALLBACKS = [old_secret]
        success(client, "post", CHECKINS, {"qr_token": token}, status=201)

    def test_a_code_for_another_venue_than_the_one_named_is_invalid(self, client, venue):
        token = screen_code_current(venue=VenueFactory()).token
        data = {"qr_token": token, "venue": str(venue.id)}
        error(client, "post", CHECKINS, data, status=400, code="invalid_qr")

    def test_with_a_fix_it_is_held_to_the_geofence_too(self, client, venue):
        token = screen_code_current(venue=venue).token
        far = {"qr_token": token, **fix_at(point_at(LEEDS, 5000))}
        error(client, "post", CHECKINS, far, status=400, code="outside_geofence")
        near = {"qr_token": token, **fix_at(point_at(LEEDS, 20))}
        body = success(client, "post", CHECKINS, near, status=201).json()
        assert body["evidence"] == "desk_screen"
        assert body["distance_m"] == pytest.approx(20, abs=0.01)

    @pytest.mark.parametrize("seconds", [1, 5])
    def test_any_period_from_one_second(self, client, venue, clock, settings, seconds):
        settings.SCREEN_CODE_SECONDS = seconds
        clock.now = clock.now.replace(microsecond=0)
        token = screen_code_current(venue=venue).token
        clock.advance(seconds=2 * seconds)
        error(client, "post", CHECKINS, {"qr_token": token}, status=400, code="expired_qr")


class TestTheResolver:
    """``GET /api/v1/qr/{token}/``: the app learns which venue a scanned screen code is for."""

    def test_a_screen_code_names_its_venue_and_no_poster(self, venue, api_client):
        token = screen_code_current(venue=venue).token
        body = success(api_client, "get", f"/api/v1/qr/{token}/").json()
        assert (body["kind"], body["poster"]) == ("screen", None)
        assert body["venue"]["id"] == str(venue.id)

    def test_an_old_screen_code_is_expired(self, venue, api_client, clock):
        token = screen_code_current(venue=venue).token
        clock.advance(minutes=1)
        error(api_client, "get", f"/api/v1/qr/{token}/", status=400, code="expired_qr")

    def test_a_forged_screen_code_is_not_found(self, venue, api_client):
        token = screen_code_current(venue=venue).token
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        error(api_client, "get", f"/api/v1/qr/{forged}/", status=404, code="invalid_qr")
