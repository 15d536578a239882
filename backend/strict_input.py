"""The API reads what its schema says, no more: DRF's ``CharField`` also takes a JSON number
(``"display_name": 0`` became ``"0"``) and its ``UUIDField`` also takes 32 bare hex digits, a
``urn:uuid:`` or braces. The schema says a string and a UUID in its usual form; a client that
sends anything else is told so (``400 invalid``) rather than guessed at, and the schema fuzz
(``tests/backend/test_schema_fuzz.py``) holds the two to each other.

``BackendConfig.ready`` installs both on DRF's classes, so every serializer, in any app and
written later, reads the same way. Only input changes; output is untouched.
"""

import re

from rest_framework import fields

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

_drf_char = fields.CharField.to_internal_value
_drf_uuid = fields.UUIDField.to_internal_value


def string_only(self, data):
    if not isinstance(data, str):
        self.fail("invalid")
    return _drf_char(self, data)


def hyphenated_uuid_only(self, data):
    if isinstance(data, str) and not _UUID.match(data.strip()):
        self.fail("invalid", value=data)
    return _drf_uuid(self, data)


def install() -> None:
    fields.CharField.to_internal_value = string_only
    fields.UUIDField.to_internal_value = hyphenated_uuid_only
