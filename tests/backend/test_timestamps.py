"""Timestamps in every API answer are whole seconds in UTC with Z (API.md, "For the app's
developers"), in summer (when London is UTC+1) as in winter, in serializers and in the answers
built by hand (the GDPR export)."""

import re
from datetime import UTC, datetime

import pytest
from rest_framework import serializers

from accounts.models import User
from backend.timestamps import api_timestamp
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory

WHOLE_SECOND_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_a_summer_time_with_microseconds_is_written_in_utc_whole_seconds():
    summer = datetime(2026, 7, 1, 14, 40, 21, 987654, tzinfo=UTC)
    field = serializers.DateTimeField()

    assert field.to_representation(summer) == "2026-07-01T14:40:21Z"
    assert api_timestamp(summer) == "2026-07-01T14:40:21Z"


def test_a_field_with_its_own_format_keeps_it():
    field = serializers.DateTimeField(format="%d/%m/%Y")
    assert field.to_representation(datetime(2026, 7, 1, tzinfo=UTC)) == "01/07/2026"


def test_input_with_fractions_and_offsets_is_still_read():
    field = serializers.DateTimeField()
    parsed = field.to_internal_value("2026-07-01T15:40:21.5+01:00")
    assert parsed.astimezone(UTC) == datetime(2026, 7, 1, 14, 40, 21, 500000, tzinfo=UTC)


@pytest.mark.django_db
def test_the_export_built_by_hand_writes_the_same_format():
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(
        last_login=datetime(2026, 7, 1, 14, 40, 21, 123456, tzinfo=UTC)
    )
    user.refresh_from_db()
    account = success(client_for(user), "get", "/api/v1/me/export/").json()["account"]

    assert account["last_login"] == "2026-07-01T14:40:21Z"
    assert WHOLE_SECOND_Z.match(account["date_joined"]), account
