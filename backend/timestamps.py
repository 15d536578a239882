"""Timestamps in the API are whole seconds in UTC with ``Z`` (``2026-12-06T14:40:21Z``; API.md,
"For the app's developers").

Swift's default ISO 8601 decoder refuses fractional seconds, and an offset such as ``+01:00``
(DRF writes the current time zone's, London's, in summer) is one more thing for every client to
get right. One format, in one place:
- ``api_timestamp(value)``: the format, for code that builds answers by hand;
- every DRF ``DateTimeField`` writes it (``BackendConfig.ready`` installs
  ``whole_second_utc_representation`` on the class, so serializers written later, in any app,
  cannot send another format; a field given an explicit ``format`` keeps it);
- ``ApiJSONRenderer`` writes any ``datetime`` left in an answer (the GDPR export's sections) the
  same way.
Reading is unchanged: any ISO 8601 input is accepted.
"""

from datetime import UTC, datetime

from django.utils import timezone
from rest_framework import fields
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def api_timestamp(value: datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC).strftime(FORMAT)


_drf_representation = fields.DateTimeField.to_representation


def whole_second_utc_representation(self, value):
    explicit = getattr(self, "format", api_settings.DATETIME_FORMAT)
    if isinstance(value, datetime) and explicit == api_settings.DATETIME_FORMAT:
        return api_timestamp(value)
    return _drf_representation(self, value)


def install() -> None:
    fields.DateTimeField.to_representation = whole_second_utc_representation


class ApiJSONEncoder(JSONEncoder):
    def default(self, obj):
        if isinstance(obj, datetime):
            return api_timestamp(obj)
        return super().default(obj)


class ApiJSONRenderer(JSONRenderer):
    encoder_class = ApiJSONEncoder
