"""The API answers in the language of ``Accept-Language``: the refusal's ``detail`` in Welsh,
``Content-Language`` set, and the ``code`` the contract fixes, unchanged."""

import pytest

from tests.api import error
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_venue():
    return VenueFactory(name="Pool Road Library", name_cy="Llyfrgell Ffordd y Pŵl", is_active=False)


def test_a_refusal_is_explained_in_welsh_with_its_code_unchanged(closed_venue):
    client = client_for(UserFactory())
    data = {"venue": str(closed_venue.id), "latitude": 51.5, "longitude": 0.08, "accuracy_m": 10}
    body = error(
        client,
        "post",
        "/api/v1/checkins/",
        data,
        status=400,
        code="venue_inactive",
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    assert body["detail"] == "Mae'r lleoliad hwn wedi cau am byth."
    response = client.post("/api/v1/checkins/", data, format="json", HTTP_ACCEPT_LANGUAGE="cy")
    assert response["Content-Language"] == "cy"


def test_without_accept_language_the_refusal_is_in_english(closed_venue):
    client = client_for(UserFactory())
    data = {"venue": str(closed_venue.id), "latitude": 51.5, "longitude": 0.08, "accuracy_m": 10}
    body = error(client, "post", "/api/v1/checkins/", data, status=400, code="venue_inactive")
    assert body["detail"] == "This venue is closed for good."


def test_a_geofence_refusal_names_the_venue_in_welsh():
    venue = VenueFactory(name="Pool Road Library", name_cy="Llyfrgell Ffordd y Pŵl")
    client = client_for(UserFactory())
    data = {"venue": str(venue.id), "latitude": 51.6, "longitude": 0.08, "accuracy_m": 10}
    body = error(
        client,
        "post",
        "/api/v1/checkins/",
        data,
        status=400,
        code="outside_geofence",
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    assert "o'r lleoliad (Llyfrgell Ffordd y Pŵl); derbynnir gwiriadau i mewn" in body["detail"]
