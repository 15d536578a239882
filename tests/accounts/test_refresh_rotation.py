"""Refresh tokens a phone can retry on a train (API.md, "For the app's developers"): a refresh
whose answer was lost, sent again within the grace, gets the same pair; after it, the reuse ends
the whole sign-in; a password change, by any path, ends every sign-in; an expired access token is
told apart from a bad one."""

from datetime import timedelta

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.apis import TokenRefreshApi
from accounts.models import RefreshTokenRotation, RevokedTokenFamily
from accounts.tokens import FAMILY_CLAIM, token_records_purge
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only
from tests.factories import DEFAULT_PASSWORD, UserFactory

REFRESH = "/api/v1/auth/token/refresh/"
NEW_PASSWORD = "a-new-and-long-passphrase-2026"


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    monkeypatch.setattr(TokenRefreshApi, "get_throttles", lambda self: [])


def login(email: str) -> dict:
    return success(
        APIClient(), "post", "/api/v1/auth/token/", {"email": email, "password": DEFAULT_PASSWORD}
    ).json()


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


@pytest.mark.django_db
def test_a_refresh_retried_within_the_grace_gets_the_same_pair(clock):
    UserFactory(email="eve@example.org")
    first = login("eve@example.org")["refresh"]

    answer = refresh(first)
    clock.advance(seconds=29)
    retried = refresh(first)

    assert answer.status_code == retried.status_code == 200
    assert retried.json() == answer.json()
    assert retried.json()["refresh"] != first
    assert RefreshTokenRotation.objects.count() == 1  # one rotation, replayed


@pytest.mark.django_db
def test_the_pair_from_a_retried_refresh_keeps_working(clock):
    UserFactory(email="ivy@example.org")
    first = login("ivy@example.org")["refresh"]
    refresh(first)
    replayed = refresh(first).json()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {replayed['access']}")
    success(client, "get", "/api/v1/me/")
    assert refresh(replayed["refresh"]).status_code == 200


@pytest.mark.django_db
def test_reuse_after_the_grace_is_token_reused_and_ends_the_whole_sign_in(clock):
    UserFactory(email="dora@example.org")
    stolen = login("dora@example.org")["refresh"]
    owners = refresh(stolen).json()["refresh"]  # the owner's phone rotates
    clock.advance(seconds=31)

    error(APIClient(), "post", REFRESH, {"refresh": stolen}, status=401, code="token_reused")
    # The replacement the owner holds is refused too: the family is revoked.
    error(APIClient(), "post", REFRESH, {"refresh": owners}, status=401, code="not_authenticated")
    assert RevokedTokenFamily.objects.get().reason == "reused"


@pytest.mark.django_db
def test_ending_one_sign_in_leaves_the_others(clock):
    UserFactory(email="nia@example.org")
    phone, tablet = login("nia@example.org")["refresh"], login("nia@example.org")["refresh"]
    refresh(phone)
    clock.advance(minutes=1)
    assert refresh(phone).status_code == 401

    assert refresh(tablet).status_code == 200


@pytest.mark.django_db
def test_a_password_change_through_a_form_revokes_every_refresh_token():
    user = UserFactory(email="fay@example.org")
    tokens = [login("fay@example.org")["refresh"] for _ in range(2)]

    form = SetPasswordForm(user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()  # the password reset and back office forms both save this way

    for token in tokens:
        error(
            APIClient(), "post", REFRESH, {"refresh": token}, status=401, code="not_authenticated"
        )
    assert success(
        APIClient(), "post", "/api/v1/auth/token/", {"email": user.email, "password": NEW_PASSWORD}
    )


@pytest.mark.django_db
def test_a_password_change_by_the_management_command_revokes_refresh_tokens(monkeypatch):
    user = UserFactory(email="gil@example.org")
    token = login("gil@example.org")["refresh"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", user.email, stdout=None)

    error(APIClient(), "post", REFRESH, {"refresh": token}, status=401, code="not_authenticated")


@pytest.mark.django_db
def test_a_refresh_token_from_before_sign_in_families_is_refused_once():
    user = UserFactory(email="old@example.org")
    legacy = RefreshToken.for_user(user)  # neither family nor password stamp

    body = error(
        APIClient(), "post", REFRESH, {"refresh": str(legacy)}, status=401, code="not_authenticated"
    )
    assert "sign in again" in body["detail"]


@pytest.mark.django_db
def test_access_tokens_carry_neither_the_family_nor_the_password_stamp():
    UserFactory(email="hal@example.org")
    access = AccessToken(login("hal@example.org")["access"])

    assert FAMILY_CLAIM not in access.payload and "pwd" not in access.payload


@pytest.mark.django_db
def test_an_expired_access_token_is_token_expired_and_a_bad_one_not_authenticated():
    user = UserFactory()
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")
    error(client, "get", "/api/v1/me/", status=401, code="token_expired")
    error(client, "get", "/api/v1/checkins/", status=401, code="token_expired")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {str(expired)[:-4]}abcd")
    error(client, "get", "/api/v1/me/", status=401, code="not_authenticated")


@pytest.mark.django_db
def test_an_expired_access_token_on_the_check_in_is_token_expired_too():
    expired = AccessToken.for_user(UserFactory())
    expired.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")

    error(client, "post", "/api/v1/checkins/", {"qr_token": "x"}, status=401, code="token_expired")


@pytest.mark.django_db
def test_the_purge_forgets_records_only_once_their_tokens_have_expired(clock):
    UserFactory(email="kit@example.org")
    token = login("kit@example.org")["refresh"]
    refresh(token)
    clock.advance(minutes=1)
    refresh(token)  # reused: the family is revoked

    assert token_records_purge() == 0
    clock.advance(days=31)
    assert token_records_purge() == 2
    assert not RefreshTokenRotation.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_refreshes_of_one_token_rotate_it_once_and_all_get_that_pair():
    """The refresh a phone fires twice (a retry racing its own first try) must neither fork the
    sign-in into two families of tokens nor sign the phone out: the row lock on the used token
    queues them, the first rotates, the other nineteen replay its pair."""
    UserFactory(email="dora@example.org")
    token = login("dora@example.org")["refresh"]

    def refresh_once(_index):
        response = refresh(token)
        return response.status_code, response.json().get("refresh")

    outcomes = run_in_parallel(20, refresh_once)

    assert {status for status, _ in outcomes} == {200}, outcomes
    assert len({pair for _, pair in outcomes}) == 1, outcomes
    assert RefreshTokenRotation.objects.count() == 1
