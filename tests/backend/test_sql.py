"""backend/sql.py: hand-written statements read values as the ORM does, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from backend import sql
from checkins.models import CheckIn
from tests.factories import UserFactory, VenueFactory
from venues.models import Venue

pytestmark = pytest.mark.django_db


def fields_of(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in type(instance)._meta.fields
    }


def test_a_row_by_its_key_is_what_the_orm_loads():
    venue = VenueFactory(
        opening_hours={"mon": [["09:00", "17:00"]]},
        foursquare_synced_at=timezone.now() - timedelta(days=1),
    )
    loaded = sql.row_by_pk(Venue, venue.pk)
    assert fields_of(loaded) == fields_of(Venue.objects.get(pk=venue.pk))
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_no_row_is_none():
    VenueFactory()
    assert sql.row_by_pk(Venue, "00000000-0000-0000-0000-000000000000") is None


def test_a_timestamp_goes_in_and_comes_out_as_the_orm_has_it():
    checkin = CheckIn.objects.create(
        resident=UserFactory(),
        venue=VenueFactory(),
        method="gps",
        evidence="location",
        distance_m=5,
        created_at=timezone.now(),
    )
    field = CheckIn._meta.get_field("created_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT created_at FROM {CheckIn._meta.db_table} WHERE created_at >= %s",
            [sql.to_db(field, checkin.created_at)],
        )
        (value,) = cursor.fetchone()
    assert sql.from_db(field, value) == CheckIn.objects.get().created_at
