"""A closed account's token is refused at a check-in whatever else is wrong with the request:
401 ``not_authenticated`` "User is inactive", with ``WWW-Authenticate``, and without a trace in
the check-ins or the fraud log. A check-in is authenticated by the token alone (no SELECT of
the user at authentication: accounts/authentication.py); these prove that every answer still
refuses a closed account, and that what invalidates a token still does.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.services import user_erase
from backend.models import IdempotencyRecord
from checkins.models import CheckIn, CheckinAttempt
from tests.api import error, success
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(latitude=53.800156, longitude=-1.548691, radius_m=100)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def gps(place, /, **changes):
    fix = {"venue": str(place.id), "latitude": place.latitude, "longitude": place.longitude}
    return {**fix, "accuracy_m": 10, **changes}


def refused_as_closed(client, data, **extra):
    response = client.post("/api/v1/checkins/", data, format="json", **extra)
    assert response.status_code == 401, response.content
    assert response.json() == {"code": "not_authenticated", "detail": "User is inactive"}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not CheckIn.objects.exists() and not CheckinAttempt.objects.exists()


def test_an_active_resident_checks_in_with_a_token(venue):
    resident = UserFactory()
    success(token_client(resident), "post", "/api/v1/checkins/", gps(venue), status=201)
    assert CheckIn.objects.get().resident == resident


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("good", id="a good fix"),
        pytest.param({"latitude": 54.5}, id="outside the geofence"),
        pytest.param({"accuracy_m": 5000}, id="poor accuracy"),
        pytest.param({"latitude": "north"}, id="invalid input"),
        pytest.param({"venue": "00000000-0000-0000-0000-000000000000"}, id="unknown venue"),
    ],
)
def test_a_deactivated_account_is_refused(venue, data):
    resident = UserFactory()
    client = token_client(resident)
    User.objects.filter(pk=resident.pk).update(is_active=False)
    refused_as_closed(client, gps(venue) if data == "good" else gps(venue, **data))


def test_a_deactivated_account_is_refused_at_a_closed_venue(venue):
    resident = UserFactory()
    client = token_client(resident)
    User.objects.filter(pk=resident.pk).update(is_active=False)
    venue.is_active = False
    venue.save(update_fields=["is_active"])
    refused_as_closed(client, gps(venue))


def test_an_erased_account_is_refused(venue):
    resident = UserFactory()
    client = token_client(resident)
    user_erase(user=resident)
    refused_as_closed(client, gps(venue))


def test_a_deleted_account_is_refused_not_a_server_error(venue):
    resident = UserFactory()
    client = token_client(resident)
    resident.delete()
    response = client.post("/api/v1/checkins/", gps(venue), format="json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    refused = client.post("/api/v1/checkins/", gps(venue, latitude=54.5), format="json")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert not CheckIn.objects.exists() and not CheckinAttempt.objects.exists()


def test_a_deactivated_account_is_refused_with_an_idempotency_key(venue):
    resident = UserFactory()
    client = token_client(resident)
    success(client, "post", "/api/v1/checkins/", gps(venue), status=201, HTTP_IDEMPOTENCY_KEY="k")
    User.objects.filter(pk=resident.pk).update(is_active=False)
    response = client.post("/api/v1/checkins/", gps(venue), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 401  # not the stored 201, replayed
    assert response.json() == {"code": "not_authenticated", "detail": "User is inactive"}


def test_a_deactivated_account_is_refused_rather_than_throttled(venue, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "checkins": "1/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    resident = UserFactory()
    client = token_client(resident)
    success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    other = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
    error(client, "post", "/api/v1/checkins/", gps(other), status=429, code="throttled")
    User.objects.filter(pk=resident.pk).update(is_active=False)
    response = client.post("/api/v1/checkins/", gps(other), format="json")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "detail": "User is inactive"}


def test_an_accepted_check_in_reads_the_account_once_under_its_lock(venue):
    resident = UserFactory()
    client = token_client(resident)
    with CaptureQueriesContext(connection) as queries:
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    reads = [query["sql"] for query in queries if "accounts_user" in query["sql"]]
    assert len(reads) == 1 and reads[0].startswith("SELECT is_active"), reads


def test_an_open_account_refused_by_a_rule_is_logged(venue):
    resident = UserFactory()
    error(
        token_client(resident),
        "post",
        "/api/v1/checkins/",
        gps(venue, latitude=54.5),
        status=400,
        code="outside_geofence",
    )
    assert CheckinAttempt.objects.get().resident == resident


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda user: str(AccessToken.for_user(user))[:-2] + "xx", id="bad signature"),
        pytest.param(lambda user: str(RefreshToken.for_user(user)), id="a refresh token"),
        pytest.param(
            lambda user: str(AccessToken.for_user(user)).replace(".", "", 1), id="malformed"
        ),
    ],
)
def test_a_token_that_does_not_verify_is_refused(venue, token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token(UserFactory())}")
    response = client.post("/api/v1/checkins/", gps(venue), format="json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert not CheckIn.objects.exists() and not CheckinAttempt.objects.exists()


def test_an_expired_token_is_refused_as_token_expired(venue):
    resident = UserFactory()
    token = AccessToken.for_user(resident)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/checkins/", gps(venue), format="json")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    assert not CheckIn.objects.exists()


def test_with_revocation_on_a_password_change_refuses_older_tokens(venue, monkeypatch):
    """SimpleJWT's CHECK_REVOKE_TOKEN (off here) puts the password's hash in each token; with it
    on, a check-in reads the user's row at authentication again, and an old token is refused."""
    monkeypatch.setattr(jwt_settings, "CHECK_REVOKE_TOKEN", True)
    resident = UserFactory()
    client = token_client(resident)
    success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    resident.set_password("another-long-password-43")
    resident.save()
    other = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
    response = client.post("/api/v1/checkins/", gps(other), format="json")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "The user's password has been changed.",
    }
    assert CheckIn.objects.count() == 1


def test_a_signed_in_page_session_still_checks_in(venue):
    resident = UserFactory()
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(resident)
    success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    User.objects.filter(pk=resident.pk).update(is_active=False)
    other = VenueFactory(latitude=venue.latitude, longitude=venue.longitude)
    response = client.post("/api/v1/checkins/", gps(other), format="json")
    assert response.status_code in (401, 403)
    assert CheckIn.objects.count() == 1


def test_a_closed_account_leaves_no_stored_answer_under_its_key(venue):
    resident = UserFactory()
    client = token_client(resident)
    user_erase(user=resident)
    response = client.post(
        "/api/v1/checkins/", gps(venue, latitude=54.5), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists() and not CheckinAttempt.objects.exists()
