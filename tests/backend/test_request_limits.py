"""Bodies the API refuses before they cost anything: too large (413) or nested too deep (400)."""

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import override_settings

from backend.errors import api_exception_handler
from backend.parsers import json_depth

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/token/", "/api/v1/auth/register/", "/api/v1/checkins/"]
)
def test_a_body_nested_10000_deep_is_invalid_not_a_500(api_client, path):
    response = api_client.generic("POST", path, DEEP, content_type="application/json")
    assert response.status_code in (400, 401), response.content[:300]
    if response.status_code == 400:
        assert response.json()["code"] == "invalid"


def test_the_anonymous_login_refuses_a_deep_body_with_a_sentence(api_client):
    body = '{"email": ' + DEEP + "}"
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "deep" in response.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_depth(api_client):
    body = '{"email": "nobody@example.test", "password": "' + "[{" * 60 + '"}'
    response = api_client.generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert response.status_code == 401


def test_json_depth_counts_levels_without_recursion():
    assert json_depth('{"a": [1, {"b": "]]]"}]}') == 3
    assert json_depth("[" * 100_000 + "]" * 100_000) == 100_000
    assert json_depth('"just a string"') == 0


def test_a_body_over_the_limit_is_413_with_the_envelope(api_client):
    body = '{"email": "' + "a" * 3_000_000 + '"}'
    response = api_client.generic(
        "POST", "/api/v1/auth/register/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_the_stripe_webhook_answers_413_to_a_huge_body(api_client):
    response = api_client.generic(
        "POST",
        "/api/v1/webhooks/stripe/",
        "x" * 3_000_000,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=abc",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_read_past_the_limit_inside_a_view_is_413():
    """A body without a Content-Length the middleware could check (chunked) still ends as 413:
    Django refuses it when the view reads it, and the handler turns that into the envelope."""
    response = api_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data["code"] == "request_too_large"
