import re
from datetime import UTC

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from backend.models import IdempotencyRecord
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    DEFAULT_PASSWORD,
    RoleFactory,
    UserFactory,
    VenueFactory,
    venue_manager_of,
)
from venues.models import Role

pytestmark = pytest.mark.django_db


def test_me_shows_the_profile_balance_and_roles(resident, resident_client):
    venue = VenueFactory()
    RoleFactory(user=resident, council=venue.council, venue=venue, role=Role.Kind.VENUE_STAFF)
    body = success(resident_client, "get", "/api/v1/me/").json()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", body.pop("member_code"))
    assert body == {
        "id": str(resident.id),
        "email": resident.email,
        "display_name": "Rosa Resident",
        "birth_year": 1980,
        "points_balance": 0,
        "balances": [],
        "roles": [{"council": venue.council.slug, "venue": str(venue.id), "role": "venue_staff"}],
    }


def test_me_costs_a_fixed_number_of_queries(
    resident, resident_client, django_assert_max_num_queries
):
    for _ in range(5):
        RoleFactory(user=resident)
    with django_assert_max_num_queries(4):  # user with roles, councils; the balance
        body = success(resident_client, "get", "/api/v1/me/").json()
    assert len(body["roles"]) == 5


def test_export_holds_the_account_and_its_roles(resident, resident_client):
    role = RoleFactory(user=resident)
    body = success(resident_client, "get", "/api/v1/me/export/").json()
    assert body["account"]["email"] == resident.email
    assert body["account"]["display_name"] == "Rosa Resident"
    assert body["roles"] == [
        {
            "council": role.council.slug,
            "venue": None,
            "role": "council_admin",
            "granted_at": role.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    ]


def test_export_needs_authentication(api_client):
    error(api_client, "get", "/api/v1/me/export/", status=401, code="not_authenticated")


def test_delete_me_pseudonymises_the_account_and_ends_its_sessions():
    user = UserFactory(email="leaving@example.org", display_name="Leaver")
    RoleFactory(user=user)
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token/",
        {"email": "leaving@example.org", "password": DEFAULT_PASSWORD},
        format="json",
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    assert client.delete("/api/v1/me/").status_code == 204

    user.refresh_from_db()
    assert user.email != "leaving@example.org" and user.email.endswith(".invalid")
    assert user.display_name == "Former resident"
    assert not user.is_active and not user.has_usable_password()
    assert user.erased_at is not None
    assert not Role.objects.filter(user=user).exists()
    # The row is kept (history points at it), but nothing personal is left to find.
    assert User.objects.filter(pk=user.pk).exists()
    assert not User.objects.filter(email="leaving@example.org").exists()
    # The access token no longer works, and neither does the refresh token.
    error(client, "get", "/api/v1/me/", status=401, code="not_authenticated")
    anonymous = APIClient()
    error(
        anonymous,
        "post",
        "/api/v1/auth/token/refresh/",
        {"refresh": tokens["refresh"]},
        status=401,
        code="not_authenticated",
    )
    error(
        anonymous,
        "post",
        "/api/v1/auth/token/",
        {"email": "leaving@example.org", "password": DEFAULT_PASSWORD},
        status=401,
        code="invalid_credentials",
    )


def test_an_erased_email_can_register_again(resident, resident_client):
    email = resident.email
    resident_client.delete("/api/v1/me/")
    response = APIClient().post(
        "/api/v1/auth/register/",
        {
            "email": email,
            "password": "correct-horse-battery-staple",
            "display_name": "Back",
            "birth_year": 1990,
        },
        format="json",
    )
    assert response.status_code == 201


def test_erasure_forgets_the_stored_answers_of_the_users_requests():
    venue = VenueFactory()
    user = venue_manager_of(venue)
    client = client_for(user)
    success(
        client,
        "post",
        f"/api/v1/venues/{venue.id}/posters/",
        {"label": "My door"},
        status=201,
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert IdempotencyRecord.objects.filter(user=user).exists()
    success(client, "delete", "/api/v1/me/", status=204)
    assert not IdempotencyRecord.objects.filter(user=user).exists()
