"""Input that once answered 500 answers its envelope (or a page) with a clear code, and leaves
nothing half-written."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from rest_framework.test import APIClient

from tests.api import error
from tests.conftest import client_for
from tests.factories import VenueFactory, council_admin_of, venue_manager_of

LONE_SURROGATE = '"\\ud800"'  # JSON text: an escaped half of a UTF-16 pair, alone


def post_raw(client: APIClient, path: str, body: str):
    return client.post(path, data=body.encode(), content_type="application/json")


@pytest.fixture
def venue(db):
    return VenueFactory()


@pytest.mark.parametrize(
    ("who", "path", "body"),
    [
        (
            "manager",
            "/api/v1/offers/",
            '{"venue": "%(venue)s", "title": "T", "rule": %(bad)s, "points": 5}',
        ),
        (
            "admin",
            "/api/v1/venues/",
            '{"council": "%(council)s", "name": "N", "category": %(bad)s, "address": "1 St",'
            ' "postcode": "LS1 1AA", "latitude": 53.8, "longitude": -1.5}',
        ),
        (
            "admin",
            "/api/v1/councils/%(council)s/members/",
            '{"email": "a@example.org", "role": %(bad)s}',
        ),
        ("anyone", "/api/v1/auth/token/refresh/", '{"refresh": %(bad)s}'),
        ("anyone", "/api/v1/auth/token/", '{"email": %(bad)s, "password": "x"}'),
        ("anyone", "/api/v1/auth/register/", "{%(bad)s: 1}"),
    ],
)
def test_a_lone_surrogate_is_400_invalid(venue, who, path, body):
    client = {
        "manager": lambda: client_for(venue_manager_of(venue)),
        "admin": lambda: client_for(council_admin_of(venue.council)),
        "anyone": APIClient,
    }[who]()
    values = {"venue": venue.pk, "council": venue.council.slug, "bad": LONE_SURROGATE}

    response = post_raw(client, path % values, body % values)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "surrogate" in response.json()["detail"]


def test_a_surrogate_pair_is_text_and_is_kept(venue):
    client = client_for(venue_manager_of(venue))
    body = '{"venue": "%s", "title": "Swim \\ud83c\\udfca", "rule": "every_checkin", "points": 5}'

    response = post_raw(client, "/api/v1/offers/", body % venue.pk)

    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Swim \N{SWIMMER}"


@pytest.mark.django_db
def test_a_database_outage_is_503_service_unavailable_with_retry_after(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("venues.apis.venue_list", unreachable)

    body = error(APIClient(), "get", "/api/v1/venues/", status=503, code="service_unavailable")
    assert "database" not in body["detail"].lower() or "try again" in body["detail"].lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/v1/me/", "application/json"), ("/wallet/", "text/html")]
)
def test_a_database_outage_outside_a_view_is_503_too(monkeypatch, path, content_type):
    """Raised in a middleware, before any view: answered by handler500, which finds it."""

    def unreachable(self, request):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionMiddleware, "process_request", unreachable)
    client = APIClient(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == 503 and response["Content-Type"].startswith(content_type)
    assert int(response["Retry-After"]) > 0
    if content_type == "application/json":
        assert response.json()["code"] == "service_unavailable"
    else:  # the site's own page, which needs neither the session nor the database
        assert "Try again later" in response.content.decode()


def _lists_with_a_date_drill_down():
    from django.contrib import admin

    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/?{model_admin.date_hierarchy}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "__year=99999",
        "__year=9999",
        "__year=0",
        "__year=x",
        "__year=2026&{field}__month=13",
        "__year=2026&{field}__month=2&{field}__day=99",
    ],
)
def test_an_admin_date_drill_down_no_date_can_hold_is_refused_not_a_500(query):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    paths = _lists_with_a_date_drill_down()
    assert paths, "some admin list has a date drill-down"
    for path in paths:
        field = path.rsplit("?", 1)[1]
        response = client.get(path + query.format(field=field))
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), path


@pytest.mark.django_db
def test_a_number_where_the_schema_says_a_string_is_refused_not_turned_into_one():
    body = error(
        APIClient(),
        "post",
        "/api/v1/auth/register/",
        {"email": "num@example.org", "password": "a-long-enough-passphrase", "display_name": 0},
        status=400,
        code="invalid",
    )
    assert "display_name" in body["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scheme", ["0" * 32, "{00000000-0000-0000-0000-000000000000}", "urn:uuid:" + "0" * 32]
)
def test_a_uuid_not_in_its_usual_form_is_refused(scheme):
    from tests.factories import UserFactory

    client = client_for(UserFactory())
    error(client, "get", f"/api/v1/me/ledger/?scheme={scheme}", status=400, code="invalid")
