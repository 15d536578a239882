"""Holes found in review, each pinned: HEAD on scoped reads, idempotent creates everywhere,
refresh for a deleted account, reactivation, erasure of stored answers."""

import pytest
from rest_framework.test import APIClient

from backend.models import IdempotencyRecord
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    DEFAULT_PASSWORD,
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
)
from venues.models import Poster, Venue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/venues/{venue}/checkins/",
        "/api/v1/venues/{venue}/posters/",
        "/api/v1/venues/{venue}/comments/moderation/",
        "/api/v1/councils/{council}/members/",
    ],
)
def test_head_is_held_to_the_same_access_as_get(api_client, resident_client, path):
    venue = VenueFactory()
    url = path.format(venue=venue.id, council=venue.council.slug)
    assert api_client.head(url).status_code == 401
    assert resident_client.head(url).status_code == 403
    assert client_for(council_admin_of(venue.council)).head(url).status_code == 200


def test_a_retried_poster_create_makes_one_poster():
    venue = VenueFactory()
    client = client_for(venue_manager_of(venue))
    url = f"/api/v1/venues/{venue.id}/posters/"
    first = success(
        client, "post", url, {"label": "Door"}, status=201, HTTP_IDEMPOTENCY_KEY="print-1"
    )
    again = success(
        client, "post", url, {"label": "Door"}, status=201, HTTP_IDEMPOTENCY_KEY="print-1"
    )
    assert again.json() == first.json()
    assert Poster.objects.filter(venue=venue).count() == 1


def test_a_retried_venue_create_replays_the_201_not_a_conflict():
    council = CouncilFactory()
    client = client_for(council_admin_of(council))
    data = {
        "council": council.slug,
        "name": "Hub",
        "category": "community_centre",
        "address": "1 High St",
        "postcode": "LS1 3AB",
        "latitude": 53.8,
        "longitude": -1.5,
    }
    first = success(client, "post", "/api/v1/venues/", data, status=201, HTTP_IDEMPOTENCY_KEY="v1")
    again = success(client, "post", "/api/v1/venues/", data, status=201, HTTP_IDEMPOTENCY_KEY="v1")
    assert again.json()["id"] == first.json()["id"]
    assert Venue.objects.filter(council=council).count() == 1


def test_refreshing_the_token_of_a_deleted_account_is_not_authenticated():
    user = UserFactory(email="gone@example.org")
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token/",
        {"email": "gone@example.org", "password": DEFAULT_PASSWORD},
        format="json",
    ).json()
    user.delete()
    error(
        client,
        "post",
        "/api/v1/auth/token/refresh/",
        {"refresh": tokens["refresh"]},
        status=401,
        code="not_authenticated",
    )


def test_only_the_council_reactivates_a_venue():
    venue = VenueFactory(is_active=False)
    url = f"/api/v1/venues/{venue.id}/"
    error(
        client_for(venue_manager_of(venue)),
        "patch",
        url,
        {"is_active": True},
        status=403,
        code="permission_denied",
    )
    success(client_for(council_admin_of(venue.council)), "patch", url, {"is_active": True})
    venue.refresh_from_db()
    assert venue.is_active


def test_erasure_forgets_the_stored_answers_of_the_users_requests():
    venue = VenueFactory()
    user = venue_manager_of(venue)
    client = client_for(user)
    success(
        client,
        "post",
        f"/api/v1/venues/{venue.id}/posters/",
        {"label": "My door"},
        status=201,
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert IdempotencyRecord.objects.filter(user=user).exists()
    success(client, "delete", "/api/v1/me/", status=204)
    assert not IdempotencyRecord.objects.filter(user=user).exists()
