import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from tests.api import error, success
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "correct-horse-battery-staple"


def register(client, **overrides):
    data = {
        "email": "Ann@Example.org",
        "password": STRONG,
        "display_name": "Ann",
        "birth_year": 1990,
    } | overrides
    return client.post("/api/v1/auth/register/", data, format="json")


def test_register_creates_an_account_with_a_normalised_email(api_client):
    response = register(api_client)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "display_name", "birth_year"}
    assert body["email"] == "ann@example.org"
    user = User.objects.get(id=body["id"])
    assert user.check_password(STRONG)
    assert not user.is_staff


def test_register_refuses_a_taken_email_whatever_its_case(api_client):
    UserFactory(email="ann@example.org")
    body = error(
        api_client,
        "post",
        "/api/v1/auth/register/",
        {"email": "ANN@example.org", "password": STRONG, "display_name": "Ann", "birth_year": 1990},
        status=400,
        code="email_taken",
    )
    assert "email" in body["fields"]
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["short", "12345678901", "password123"])
def test_register_refuses_a_weak_password(api_client, password):
    response = register(api_client, password=password)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "password" in response.json()["fields"]
    assert not User.objects.exists()


def test_register_refuses_a_password_like_the_email(api_client):
    response = register(api_client, email="marmaduke.smith@example.org", password="marmaduke.smith")
    assert response.status_code == 400
    assert not User.objects.exists()


def test_token_pair_for_the_right_password_and_any_email_case(api_client):
    UserFactory(email="bob@example.org")
    body = success(
        api_client,
        "post",
        "/api/v1/auth/token/",
        {"email": "BOB@example.org", "password": DEFAULT_PASSWORD},
    ).json()
    assert set(body) == {"access", "refresh"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert success(api_client, "get", "/api/v1/me/").json()["email"] == "bob@example.org"


@pytest.mark.parametrize(
    ("email", "password"),
    [("bob@example.org", "wrong-password"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_token_refuses_wrong_credentials(api_client, email, password):
    UserFactory(email="bob@example.org")
    error(
        api_client,
        "post",
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        status=401,
        code="invalid_credentials",
    )


def test_token_refuses_a_deactivated_account(api_client):
    UserFactory(email="gone@example.org", is_active=False)
    error(
        api_client,
        "post",
        "/api/v1/auth/token/",
        {"email": "gone@example.org", "password": DEFAULT_PASSWORD},
        status=401,
        code="invalid_credentials",
    )


def test_token_without_fields_is_invalid(api_client):
    body = error(api_client, "post", "/api/v1/auth/token/", {}, status=400, code="invalid")
    assert set(body["fields"]) == {"email", "password"}


def test_refresh_rotates_and_a_used_refresh_token_is_refused_after_its_grace(api_client, clock):
    UserFactory(email="carol@example.org")
    first = success(
        api_client,
        "post",
        "/api/v1/auth/token/",
        {"email": "carol@example.org", "password": DEFAULT_PASSWORD},
    ).json()
    rotated = success(
        api_client, "post", "/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}
    ).json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != first["refresh"]
    success(api_client, "post", "/api/v1/auth/token/refresh/", {"refresh": rotated["refresh"]})
    clock.advance(seconds=31)
    error(
        api_client,
        "post",
        "/api/v1/auth/token/refresh/",
        {"refresh": first["refresh"]},
        status=401,
        code="token_reused",
    )


def test_refresh_refuses_garbage(api_client):
    error(
        api_client,
        "post",
        "/api/v1/auth/token/refresh/",
        {"refresh": "garbage"},
        status=401,
        code="not_authenticated",
    )


def test_createsuperuser_noinput_reads_the_standard_variables(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Council.gov.uk")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    call_command("createsuperuser", "--noinput", verbosity=0)
    user = User.objects.get(email="root@council.gov.uk")
    assert user.is_superuser and user.is_staff
    assert user.check_password(STRONG)


def test_refreshing_the_token_of_a_deleted_account_is_not_authenticated():
    user = UserFactory(email="gone@example.org")
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token/",
        {"email": "gone@example.org", "password": DEFAULT_PASSWORD},
        format="json",
    ).json()
    user.delete()
    error(
        client,
        "post",
        "/api/v1/auth/token/refresh/",
        {"refresh": tokens["refresh"]},
        status=401,
        code="not_authenticated",
    )
