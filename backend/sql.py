"""Values in and out of SQL written by hand, as the ORM would pass and read them.

A few statements on the check-in's hot path are written once in SQL because building the ORM
query costs more CPU than the database spends answering it. Their parameters and results still
go through the model fields, so a UUID, a timestamp or a boolean means the same on PostgreSQL
(native types) and on SQLite (text and integers), where the suite also runs.
"""

from typing import Any

from django.db import connection
from django.db.models import Field


def to_db(field: Field, value: Any) -> Any:
    """``value`` as a parameter compared with ``field``'s column."""
    return field.get_db_prep_value(value, connection)


def from_db(field: Field, value: Any) -> Any:
    """``value`` read from ``field``'s column, converted as a queryset converts it."""
    column = field.cached_col
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    for convert in converters:
        value = convert(value, column, connection)
    return value
