"""The schema, Swagger UI and ReDoc, served without a CDN and with DEBUG off (as in tests)."""

import re
import socket

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from pytest_socket import SocketConnectBlockedError

pytestmark = pytest.mark.django_db


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False


def test_schema_is_openapi_3_and_lists_the_contracts_paths(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/me/",
        "/api/v1/me/export/",
        "/api/v1/councils/",
        "/api/v1/councils/{slug}/",
        "/api/v1/councils/{slug}/members/",
        "/api/v1/councils/{slug}/members/{member_id}/",
        "/api/v1/venues/",
        "/api/v1/venues/{venue_id}/",
    ]:
        assert path in schema["paths"], path


def test_schema_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/venues/" in response.json()["paths"]


def test_each_operation_documents_its_error_codes(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    register = schema["paths"]["/api/v1/auth/register/"]["post"]["responses"]
    assert "`email_taken`" in register["400"]["description"]
    assert "`invalid`" in register["400"]["description"]
    venue_create = schema["paths"]["/api/v1/venues/"]["post"]["responses"]
    assert "`geocoding_failed`" in venue_create["400"]["description"]
    assert "`venue_exists`" in venue_create["409"]["description"]
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "`invalid_credentials`" in token["401"]["description"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]


def test_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.parametrize(
    ("path", "asset"),
    [("/api/docs/", "swagger-ui-bundle"), ("/api/redoc/", "redoc.standalone")],
)
def test_the_docs_pages_load_their_assets_from_this_server(client, path, asset):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    urls = re.findall(r'(/static/drf_spectacular_sidecar/[^"\']+)', html)
    script = next(url for url in urls if asset in url)
    # whitenoise serves it with DEBUG off, as gunicorn would in production.
    asset_response = client.get(script)
    assert asset_response.status_code == 200
    assert b"".join(asset_response.streaming_content)[:10]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_no_test_can_reach_the_internet():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("93.184.215.14", 80), timeout=1)


def test_list_endpoints_document_the_paginated_envelope(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in [
        "/api/v1/councils/",
        "/api/v1/venues/",
        "/api/v1/checkins/",
        "/api/v1/councils/{slug}/members/",
        "/api/v1/venues/{venue_id}/checkins/",
        "/api/v1/venues/{venue_id}/posters/",
    ]:
        body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        name = body["schema"]["$ref"].rsplit("/", 1)[1]
        assert {"count", "next", "previous", "results"} <= set(
            schema["components"]["schemas"][name]["properties"]
        ), path


def test_the_schema_offers_anonymous_access_exactly_where_the_api_allows_it(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    anonymous = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if {} in operation.get("security", [{}])
    }
    assert anonymous == {
        "POST /api/v1/auth/register/",
        "POST /api/v1/auth/token/",
        "POST /api/v1/auth/token/refresh/",
        "GET /api/v1/councils/",
        "GET /api/v1/councils/{slug}/",
        "GET /api/v1/qr/{token}/",
        "GET /api/v1/qr/keys/",
        "GET /api/v1/venues/",
        "GET /api/v1/venues/{venue_id}/",
        "GET /api/v1/venues/{venue_id}/comments/",
        "GET /api/v1/venues/{venue_id}/offers/",
        "GET /api/v1/catalog/",
        # Stripe authenticates by the Stripe-Signature header, not as a user.
        "POST /api/v1/webhooks/stripe/",
    }


def _operations():
    from tests.openapi_contract import served_schema

    schema = served_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_summary_a_description_and_examples():
    missing = []
    for name, operation in _operations():
        if not operation.get("summary"):
            missing.append(f"{name}: summary (api_docs/operations.py)")
        if not operation.get("description"):
            missing.append(f"{name}: description")
        bodies = [
            (status, content)
            for status, response in operation["responses"].items()
            for content in response.get("content", {}).values()
            if "type" in content.get("schema", {}) or "$ref" in str(content.get("schema"))
        ]
        bodies += [
            ("request", content)
            for content in operation.get("requestBody", {}).get("content", {}).values()
        ]
        missing += [f"{name} {status}: example" for status, c in bodies if "example" not in c]
    assert missing == []


def test_every_example_is_valid_against_its_schema():
    from jsonschema import Draft202012Validator

    from tests.openapi_contract import served_schema

    schema = served_schema()
    invalid = []
    for name, operation in _operations():
        contents = [
            (f"{status}", content)
            for status, response in operation["responses"].items()
            for content in response.get("content", {}).values()
        ] + [
            ("request", content)
            for content in operation.get("requestBody", {}).get("content", {}).values()
        ]
        for status, content in contents:
            if "example" not in content:
                continue
            validator = Draft202012Validator(
                {**content["schema"], "components": schema["components"]}
            )
            for problem in validator.iter_errors(content["example"]):
                invalid.append(f"{name} {status}: {problem.message}")
    assert invalid == []


def test_error_codes_are_an_enum_per_status_and_extra_fields_are_declared():
    from tests.openapi_contract import served_schema

    schema = served_schema()
    checkin = schema["paths"]["/api/v1/checkins/"]["post"]["responses"]
    codes = {
        status: response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"][
            "enum"
        ]
        for status, response in checkin.items()
        if status >= "400"
    }
    assert "cooldown" in codes["409"] and "outside_geofence" in codes["400"]
    assert {"not_authenticated", "token_expired"} <= set(codes["401"])
    assert {"413", "415", "406", "429", "503"} <= set(codes)
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "code",
        "detail",
        "fields",
        "retry_after",
        "distance_m",
    }
    assert checkin["429"]["headers"]["Retry-After"]["required"] is True
    refresh = schema["paths"]["/api/v1/auth/token/refresh/"]["post"]["responses"]["401"]
    assert (
        "token_reused"
        in refresh["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"][
            "enum"
        ]
    )
    assert schema["servers"][0]["url"] == settings.PUBLIC_BASE_URL
