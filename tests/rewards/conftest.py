"""Fixtures of the catalog and voucher tests: a venue and a stocked item of it."""

import pytest

from rewards.catalog.services import catalog_item_create
from tests.factories import VenueFactory


@pytest.fixture
def venue(db):
    return VenueFactory()


@pytest.fixture
def item(venue):
    return catalog_item_create(
        council=venue.council, venue=venue, title="Free coffee", cost_points=50, stock=3
    )
