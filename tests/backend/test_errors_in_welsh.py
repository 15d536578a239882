"""The envelope's generic answers (and Django REST framework's own words, which it ships in no
Welsh) follow ``Accept-Language``; the ``code`` never changes."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "welsh"),
    [
        ("get", "/api/v1/no-such-thing/", None, 404, "not_found", "Heb ei ganfod."),
        ("get", "/api/v1/me/", None, 401, "not_authenticated", "Ni roddwyd manylion mewngofnodi."),
        ("post", "/api/v1/auth/register/", {}, 400, "invalid", "Mae rhai meysydd yn annilys."),
        (
            "post",
            "/api/v1/auth/token/",
            "[" * 1000,
            400,
            "invalid",
            "Mae corff y JSON wedi'i nythu'n rhy ddwfn (64 lefel ar y mwyaf).",
        ),
    ],
)
def test_generic_answers_in_welsh(method, path, body, status, code, welsh):
    client = APIClient()
    kwargs = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    if isinstance(body, str):
        kwargs.update(data=body, content_type="application/json")
    elif body is not None:
        kwargs.update(data=body, format="json")
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"] == welsh
    assert response["Content-Language"] == "cy"


def test_a_required_field_is_named_in_welsh():
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(
        "/api/v1/auth/register/",
        {"email": "x@example.org"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    assert response.json()["fields"]["password"] == ["Mae angen llenwi'r maes hwn."]


def test_the_services_own_refusals_and_field_messages_are_welsh():
    """The project's own messages (a service's refusal, a field's rule), not only the
    libraries': what a Welsh reader of the API or the desk is told."""
    from tests.factories import VenueFactory, venue_staff_of

    staff = venue_staff_of(VenueFactory())
    client = APIClient()
    client.force_authenticate(staff)
    welsh = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    unknown = client.post("/api/v1/vouchers/redeem/", {"code": "NOPE-NOPE"}, format="json", **welsh)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert unknown.json()["detail"] == "Does dim taleb gyda'r cod hwn."

    too_big = client.get("/api/v1/venues/?page_size=500", **welsh)
    assert too_big.status_code == 400 and too_big.json()["code"] == "invalid"
    assert too_big.json()["fields"]["page_size"] == ["Rhaid iddo fod yn gyfanrif rhwng 1 a 100."]

    english = client.get("/api/v1/venues/?page_size=500")
    assert english.json()["fields"]["page_size"] == ["Must be an integer from 1 to 100."]
