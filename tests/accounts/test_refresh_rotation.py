"""A refresh token rotates once: of many parallel refreshes with it, exactly one succeeds, so a
stolen refresh token cannot fork into several sessions (PostgreSQL, real threads)."""

import pytest
from rest_framework.test import APIClient

from accounts.views import TokenRefreshApi
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only
from tests.factories import DEFAULT_PASSWORD, UserFactory

REFRESH = "/api/v1/auth/token/refresh/"


def login(email: str) -> dict:
    return (
        APIClient()
        .post("/api/v1/auth/token/", {"email": email, "password": DEFAULT_PASSWORD}, format="json")
        .json()
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_refreshes_of_one_token_succeed_exactly_once(monkeypatch):
    monkeypatch.setattr(TokenRefreshApi, "get_throttles", lambda self: [])
    UserFactory(email="dora@example.org")
    refresh = login("dora@example.org")["refresh"]

    def refresh_once(_index):
        response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
        return response.status_code, response.json().get("code")

    outcomes = run_in_parallel(20, refresh_once)

    assert sorted(outcomes, key=str).count((200, None)) == 1, outcomes
    assert outcomes.count((401, "not_authenticated")) == 19, outcomes


@pytest.mark.django_db
def test_a_refresh_token_is_blacklisted_in_the_same_transaction_as_the_new_pair(monkeypatch):
    """Sequentially: the second use is refused, whatever the first answered."""
    monkeypatch.setattr(TokenRefreshApi, "get_throttles", lambda self: [])
    UserFactory(email="eve@example.org")
    refresh = login("eve@example.org")["refresh"]
    client = APIClient()
    assert client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 200
    assert client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 401
