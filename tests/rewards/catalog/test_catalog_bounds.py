"""Catalog items hold sensible values: absurd ones are refused when saved, so no claim fails."""

import pytest
from django.db import IntegrityError

from rewards.catalog.services import catalog_item_create
from rewards.models import CatalogItem
from tests.api import error
from tests.conftest import client_for
from tests.factories import venue_manager_of

pytestmark = pytest.mark.django_db

CATALOG = "/api/v1/catalog/"


@pytest.mark.parametrize(
    "fields",
    [{"cost_points": 2**31}, {"stock": 2**31}, {"valid_days": 3_000_000}, {"valid_days": 2**40}],
)
def test_absurd_catalog_values_are_refused_when_created(venue, fields):
    manager = client_for(venue_manager_of(venue))
    body = {"venue": str(venue.id), "title": "Tea", "cost_points": 10, **fields}
    answer = error(manager, "post", CATALOG, body, status=400, code="invalid")
    assert set(answer["fields"]) == set(fields)
    assert not CatalogItem.objects.exists()


def test_absurd_catalog_values_are_refused_when_changed(item):
    manager = client_for(venue_manager_of(item.venue))
    path = f"{CATALOG}{item.id}/"
    error(manager, "patch", path, {"valid_days": 3_000_000}, status=400, code="invalid")
    item.refresh_from_db()
    assert item.valid_days is None


def test_the_service_refuses_a_validity_over_ten_years(venue):
    with pytest.raises(Exception) as raised:
        catalog_item_create(
            council=venue.council, venue=venue, title="Tea", cost_points=5, valid_days=3651
        )
    assert "valid_days" in raised.value.extra["fields"]


def test_the_database_holds_the_maxima(item):
    with pytest.raises(IntegrityError):
        CatalogItem.objects.filter(pk=item.pk).update(valid_days=3_000_000)
