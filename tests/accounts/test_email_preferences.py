"""What a person chose to get by email (``/api/v1/me/email-preferences/``): replies to their
comments, and how a venue's staff hear of low-rated and reported comments."""

import pytest

from accounts.models import EmailPreferences
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/email-preferences/"


def test_everyone_starts_with_the_defaults_without_a_row():
    body = success(client_for(UserFactory()), "get", URL).json()
    assert body == {"wants_reply_emails": True, "comment_alerts": "at_once"}
    assert not EmailPreferences.objects.exists()


def test_a_change_keeps_the_other_preference_and_is_read_back():
    user = UserFactory()
    client = client_for(user)
    body = success(client, "patch", URL, {"wants_reply_emails": False}).json()
    assert body == {"wants_reply_emails": False, "comment_alerts": "at_once"}
    body = success(client, "patch", URL, {"comment_alerts": "in_digest"}).json()
    assert body == {"wants_reply_emails": False, "comment_alerts": "in_digest"}
    assert success(client, "get", URL).json() == body
    stored = EmailPreferences.objects.get(user=user)
    assert (stored.wants_reply_emails, stored.comment_alerts) == (False, "in_digest")


@pytest.mark.parametrize(
    "payload",
    [
        {"comment_alerts": "hourly"},
        {"wants_reply_emails": "perhaps"},
        {"wants_reply_emails": 0},
        {"wants_reply_emails": None},
    ],
)
def test_a_bad_value_is_invalid_and_changes_nothing(payload):
    user = UserFactory()
    body = error(client_for(user), "patch", URL, payload, status=400, code="invalid")
    assert set(body["fields"]) == set(payload)
    assert not EmailPreferences.objects.exists()


def test_only_a_signed_in_person_has_preferences(api_client):
    error(api_client, "get", URL, status=401, code="not_authenticated")
    error(api_client, "patch", URL, {"wants_reply_emails": False}, status=401,
          code="not_authenticated")  # fmt: skip


def test_the_export_says_what_was_chosen():
    user = UserFactory()
    client = client_for(user)
    success(client, "patch", URL, {"wants_reply_emails": False})
    exported = success(client, "get", "/api/v1/me/export/").json()
    assert exported["email_preferences"] == {
        "wants_reply_emails": False,
        "comment_alerts": "at_once",
    }
