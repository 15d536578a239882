"""The libraries' pages in the back office (venues.back_office.third_party)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = "/admin/axes/accessattempt/"


def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def attempt(username: str, minutes_ago: int) -> AccessAttempt:
    """Made after signing in: axes cleans expired attempts up at each sign-in too."""
    made = AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=made.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return made


def clean_up(client: Client, selected: AccessAttempt, language: str):
    return client.post(
        ATTEMPTS,
        {"action": "cleanup_expired_attempts", "_selected_action": [str(selected.pk)]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_cleaning_up_expired_access_attempts_removes_those_past_the_cool_off():
    """axes 8.3.1's own action read request.axes_attempt_time, which axes sets only on sign-in
    attempts, and answered 500 from the back office."""
    client = superuser_client()
    old = attempt("old@example.org", minutes_ago=60)
    recent = attempt("recent@example.org", minutes_ago=1)

    answer = clean_up(client, old, "en-gb")

    assert answer.status_code == 200
    assert "1 expired access attempt cleaned up." in answer.content.decode()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]


def test_its_message_is_in_welsh_too():
    client = superuser_client()
    old = attempt("old@example.org", minutes_ago=60)

    answer = clean_up(client, old, "cy")

    assert answer.status_code == 200
    assert "Cliriwyd 1 ymgais mynediad a oedd wedi dod i ben." in answer.content.decode()
    assert not AccessAttempt.objects.exists()
