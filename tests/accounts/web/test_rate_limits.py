"""Rate limits of the pages that take a password or send an email about an account
(backend.page_limits): the API's limits, in the API's buckets, and one per target email."""

import time

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from backend.page_limits import PageThrottle
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

AUTH_PER_MINUTE = 10  # THROTTLE_AUTH's default, the API's login/registration/refresh limit


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_thirty_sign_ins_on_thirty_accounts_from_one_address_stop_at_the_limit():
    # A script keeps no cookies: each attempt is a new visitor from the same address.
    answers = [
        from_address("203.0.113.7")
        .post("/accounts/login/", {"username": UserFactory().email, "password": DEFAULT_PASSWORD})
        .status_code
        for _ in range(30)
    ]
    assert answers[:AUTH_PER_MINUTE] == [302] * AUTH_PER_MINUTE
    assert set(answers[AUTH_PER_MINUTE:]) == {429}


def test_the_refusal_is_a_page_in_the_sites_layout_with_retry_after():
    client = from_address("203.0.113.8")
    for _ in range(AUTH_PER_MINUTE):
        client.post("/accounts/login/", {"username": "x@example.org", "password": "wrong"})
    page = client.post("/accounts/login/", {"username": "x@example.org", "password": "wrong"})
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 60
    html = page.content.decode()
    assert "Too many attempts from your connection." in html
    assert 'href="/privacy/"' in html  # the site's layout, footer and all
    assert client.get("/accounts/login/").status_code == 200  # reading the form is free


def test_another_address_is_not_held_up():
    for _ in range(AUTH_PER_MINUTE + 1):
        from_address("203.0.113.9").post("/accounts/login/", {"username": "x@example.org"})
    member = UserFactory()
    answer = from_address("198.51.100.1").post(
        "/accounts/login/", {"username": member.email, "password": DEFAULT_PASSWORD}
    )
    assert answer.status_code == 302


def test_an_address_the_api_throttled_is_throttled_on_the_pages_too():
    client = from_address("203.0.113.10")
    for _ in range(AUTH_PER_MINUTE):
        client.post(
            "/api/v1/auth/token/",
            {"email": "x@example.org", "password": "wrong"},
            content_type="application/json",
        )
    assert (
        client.post(
            "/api/v1/auth/token/", {"email": "x@example.org"}, content_type="application/json"
        ).status_code
        == 429
    )
    for path in ("/accounts/login/", "/accounts/register/", "/accounts/password-reset/"):
        assert client.post(path, {"email": "x@example.org"}).status_code == 429, path


def test_pages_and_the_api_share_one_count():
    client = from_address("203.0.113.11")
    for _ in range(AUTH_PER_MINUTE):
        client.post("/accounts/register/", {"display_name": "X", "email": "x@example.org"})
    answer = client.post(
        "/api/v1/auth/register/",
        {"email": "new@example.org", "password": "a-long-password-1", "display_name": "N"},
        content_type="application/json",
    )
    assert answer.status_code == 429 and answer.json()["code"] == "throttled"


def test_registration_is_limited():
    answers = [
        from_address("203.0.113.12")
        .post(
            "/accounts/register/",
            {
                "display_name": "N",
                "email": f"n{n}@example.org",
                "password": "a-long-pass-9",
                "birth_year": "1990",
            },
        )
        .status_code
        for n in range(AUTH_PER_MINUTE + 1)
    ]
    assert answers == [302] * AUTH_PER_MINUTE + [429]
    assert User.objects.filter(email__startswith="n").count() == AUTH_PER_MINUTE


def test_twenty_five_reset_emails_to_one_victim_from_many_addresses_stop_at_five():
    victim = UserFactory(email="victim@example.org")
    answers = [
        from_address(f"192.0.2.{n}")
        .post("/accounts/password-reset/", {"email": "Victim@Example.org"})
        .status_code
        for n in range(1, 26)
    ]
    assert answers[:5] == [302] * 5 and set(answers[5:]) == {429}
    assert [message.to for message in mail.outbox] == [[victim.email]] * 5
    page = from_address("192.0.2.99").post("/accounts/password-reset/", {"email": victim.email})
    assert "Too many emails have been asked for this address" in page.content.decode()
    assert int(page["Retry-After"]) > 60


def test_reset_emails_to_another_address_are_not_held_up():
    for n in range(6):
        from_address(f"192.0.2.{n + 1}").post(
            "/accounts/password-reset/", {"email": "victim@example.org"}
        )
    UserFactory(email="someone@example.org")
    answer = from_address("192.0.2.50").post(
        "/accounts/password-reset/", {"email": "someone@example.org"}
    )
    assert answer.status_code == 302 and len(mail.outbox) == 1


def test_the_back_office_sign_in_is_limited():
    client = from_address("203.0.113.13")
    answers = [
        client.post("/admin/login/", {"username": f"a{n}@example.org", "password": "x"}).status_code
        for n in range(AUTH_PER_MINUTE + 1)
    ]
    assert answers[:AUTH_PER_MINUTE] == [200] * AUTH_PER_MINUTE  # the form again, with errors
    assert answers[-1] == 429


def test_the_limit_lifts_when_the_minute_has_passed(monkeypatch):
    client = from_address("203.0.113.14")
    for _ in range(AUTH_PER_MINUTE + 1):
        client.post("/accounts/login/", {"username": "x@example.org", "password": "x"})
    later = time.time() + 61
    monkeypatch.setattr(PageThrottle, "timer", staticmethod(lambda: later))
    member = UserFactory()
    answer = client.post(
        "/accounts/login/", {"username": member.email, "password": DEFAULT_PASSWORD}
    )
    assert answer.status_code == 302
