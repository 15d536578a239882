"""What an app's HTTP client can rely on (API.md, "For the app's developers"): both slash forms
served in place (a POST is never redirected into a GET), rate-limit headers, and personal answers
kept out of caches."""

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.api import error, success
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory


@pytest.mark.django_db
def test_a_post_without_its_trailing_slash_is_served_not_redirected():
    UserFactory(email="ann@example.org")
    response = APIClient().post(
        "/api/v1/auth/token",
        {"email": "ann@example.org", "password": DEFAULT_PASSWORD},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}


@pytest.mark.django_db
def test_a_create_without_the_slash_creates_once():
    response = APIClient().post(
        "/api/v1/auth/register",
        {
            "email": "bo@example.org",
            "password": "a-long-enough-passphrase",
            "display_name": "Bo",
            "birth_year": 1990,
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["email"] == "bo@example.org"


@pytest.mark.django_db
def test_a_path_named_without_a_slash_answers_with_one_too():
    venue = VenueFactory()
    with_slash = APIClient().get(f"/api/v1/venues/{venue.pk}/")
    without = APIClient().get(f"/api/v1/venues/{venue.pk}")

    assert with_slash.status_code == without.status_code == 200
    assert without.json() == with_slash.json()


@pytest.mark.django_db
def test_an_unknown_path_is_still_the_404_envelope_in_both_forms():
    error(APIClient(), "get", "/api/v1/no-such-thing", status=404, code="not_found")
    error(APIClient(), "get", "/api/v1/no-such-thing/", status=404, code="not_found")


@pytest.mark.django_db
def test_a_page_get_without_its_slash_still_redirects_to_the_canonical_address():
    response = Client().get("/accounts/login")
    assert response.status_code == 301 and response["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_a_throttled_operation_sends_its_rate_limit(settings):
    response = success(APIClient(), "get", "/api/v1/venues/")

    limit = int(response["RateLimit-Limit"])
    assert limit == 120  # THROTTLE_ANON's default, 120/min
    assert int(response["RateLimit-Remaining"]) == limit - 1
    assert 0 < int(response["RateLimit-Reset"]) <= 60


@pytest.mark.django_db
def test_the_tightest_limit_is_the_one_sent_and_it_counts_down_to_the_refusal():
    client = APIClient()
    body = {"email": "nobody@example.org", "password": "wrong-password-1"}
    remaining = [
        int(client.post("/api/v1/auth/token/", body, format="json")["RateLimit-Remaining"])
        for _ in range(3)
    ]

    assert remaining == [9, 8, 7]  # the auth scope's 10/min, tighter than anon's 120/min
    for _ in range(7):
        client.post("/api/v1/auth/register/", {}, format="json")
    refused = client.post("/api/v1/auth/register/", {}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert refused["RateLimit-Remaining"] == "0"
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_a_personal_answer_is_never_stored():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(UserFactory())}")
    response = success(client, "get", "/api/v1/me/")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_refused_personal_request_is_not_stored_either():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_public_answer_keeps_its_own_caching():
    response = success(APIClient(), "get", "/api/v1/venues/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_post_without_its_slash_retried_with_its_key_is_replayed_once():
    """The retry a phone makes after a lost answer, to the slashless path: the first answer
    again, marked as a replay (a header the schema declares), and one check-in."""
    from checkins.models import CheckIn
    from tests.conftest import client_for

    venue = VenueFactory()
    client = client_for(UserFactory())
    body = {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }

    first = client.post("/api/v1/checkins", body, format="json", HTTP_IDEMPOTENCY_KEY="trip-1")
    again = client.post("/api/v1/checkins", body, format="json", HTTP_IDEMPOTENCY_KEY="trip-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.count() == 1
