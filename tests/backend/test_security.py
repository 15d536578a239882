"""The Content-Security-Policy of backend/security.py on every HTML page, the docs included."""

import pytest

from backend.security import DEFAULT_POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/login/", "/accounts/login/"])
def test_our_pages_and_the_back_office_get_the_site_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == DEFAULT_POLICY


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_have_a_policy_allowing_no_inline_script_and_no_other_host(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["font-src"] == "'self'"
    html = response.content.decode()
    assert "<script>" not in html  # every script has a src (or is a JSON data block)
    assert "googleapis" not in html and "gstatic" not in html


def test_swagger_uis_settings_script_is_served_from_here(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()


def test_a_json_response_gets_no_policy(client):
    response = client.get("/healthz")
    assert "Content-Security-Policy" not in response
