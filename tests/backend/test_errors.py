"""Every kind of error leaves the API as the envelope of API.md, with the right code."""

import uuid

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import AccessToken

from backend import errors
from backend.errors import ApplicationError, api_exception_handler, flatten_field_errors
from tests.api import error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_validation_error_lists_each_field(api_client):
    body = error(
        api_client, "post", "/api/v1/auth/register/", {"email": "nope"}, status=400, code="invalid"
    )
    assert set(body["fields"]) == {"email", "password", "display_name", "birth_year"}
    assert all(isinstance(messages, list) and messages for messages in body["fields"].values())


def test_malformed_json_is_invalid_not_a_500(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/register/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_form_body_is_unsupported_media_type(api_client):
    response = api_client.post("/api/v1/auth/register/", {"email": "a@b.c"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_missing_credentials_are_not_authenticated_with_a_bearer_challenge(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_garbage_token_is_not_authenticated(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    error(api_client, "get", "/api/v1/me/", status=401, code="not_authenticated")


def test_a_forbidden_action_is_permission_denied(resident_client):
    error(
        resident_client,
        "post",
        "/api/v1/councils/",
        {"slug": "x", "name": "X"},
        status=403,
        code="permission_denied",
    )


def test_an_unknown_object_is_not_found(api_client):
    error(api_client, "get", f"/api/v1/venues/{uuid.uuid4()}/", status=404, code="not_found")


def test_an_unknown_api_path_is_the_json_envelope(api_client):
    error(api_client, "get", "/api/v1/no-such-thing/", status=404, code="not_found")


def test_a_wrong_method_is_method_not_allowed(resident_client):
    error(resident_client, "put", "/api/v1/me/", {}, status=405, code="method_not_allowed")


def test_throttling_answers_429_with_retry_after(api_client, monkeypatch):
    # DRF copies the rates onto the throttle class when it is defined.
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "auth": "2/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"email": "a@b.org", "password": "x"})
    response = api_client.post("/api/v1/auth/token/", {"email": "a@b.org", "password": "x"})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_an_unexpected_exception_is_a_500_envelope_without_a_stack_trace(monkeypatch, caplog):
    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("venues.views.council_list", explode)
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/councils/")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "detail": "Something went wrong on our side; it has been logged.",
    }
    assert b"secret internals" not in response.content
    assert "secret internals" in caplog.text  # but it is logged for us


def test_application_error_keeps_its_code_status_and_extra_fields():
    cooldown = errors.ErrorCode("cooldown", 409)
    response = api_exception_handler(
        ApplicationError(cooldown, "Too soon.", retry_after=30), context={}
    )
    assert response.status_code == 409
    assert response.data == {"code": "cooldown", "detail": "Too soon.", "retry_after": 30}


def test_django_validation_error_becomes_invalid_with_fields():
    response = api_exception_handler(
        DjangoValidationError({"postcode": ["Enter a UK postcode."]}), context={}
    )
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["fields"] == {"postcode": ["Enter a UK postcode."]}


def test_nested_field_errors_are_flattened_with_dotted_names():
    nested = {"opening_hours": {"monday": ["Bad time."]}, "items": [{}, {"name": ["Required."]}]}
    assert flatten_field_errors(nested) == {
        "opening_hours.monday": ["Bad time."],
        "items.1.name": ["Required."],
    }
    assert flatten_field_errors(["Passwords differ."]) == {
        "non_field_errors": ["Passwords differ."]
    }


def test_inactive_user_token_is_refused(api_client):
    user = UserFactory(is_active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    error(api_client, "get", "/api/v1/me/", status=401, code="not_authenticated")


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("path", ["/api/x/", "/api/v1/no-such-thing/", "/api/v1/venues/x/y/z"])
def test_an_unknown_api_path_is_the_envelope_whatever_debug_says(api_client, settings, debug, path):
    settings.DEBUG = debug
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_with_debug_on_a_wrong_method_is_still_the_envelope(resident_client, settings):
    settings.DEBUG = True
    error(resident_client, "put", "/api/v1/me/", {}, status=405, code="method_not_allowed")


def test_a_missing_trailing_slash_under_api_is_served_in_place(api_client):
    response = api_client.get("/api/v1/venues")
    assert response.status_code == 200
    assert not response.has_header("Location")


def test_an_unknown_page_outside_the_api_stays_html(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
