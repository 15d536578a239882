"""Values in and out of SQL written by hand, as the ORM would pass and read them.

A few statements on the check-in's hot path are written once in SQL because building the ORM
query costs more CPU than the database spends answering it. Their parameters and results still
go through the model fields, so a UUID, a timestamp or a boolean means the same on PostgreSQL
(native types) and on SQLite (text and integers), where the suite also runs.
"""

import functools
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObjectRel, Model


def _column(field: Field | ForeignObjectRel) -> Field:
    """``field`` as ``Model._meta.get_field`` gives it, known to have a column."""
    if not isinstance(field, Field):
        raise TypeError(f"{field} is a reverse relation: it has no column")
    return field


def to_db(field: Field | ForeignObjectRel, value: Any) -> Any:
    """``value`` as a parameter compared with ``field``'s column."""
    return _column(field).get_db_prep_value(value, connection)


@functools.cache
def _converters(field: Field) -> tuple:
    """What a queryset runs on a value read from ``field``'s column (none for most fields on
    PostgreSQL), found once per field and process."""
    column = field.get_col(field.model._meta.db_table)  # a foreign key reads as its target
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return column, tuple(converters)


def from_db(field: Field | ForeignObjectRel, value: Any) -> Any:
    """``value`` read from ``field``'s column, converted as a queryset converts it."""
    column, converters = _converters(_column(field))
    for convert in converters:
        value = convert(value, column, connection)
    return value


@functools.cache
def _select_by_pk(model: type[Model]) -> tuple[str, tuple[Field, ...]]:
    fields = tuple(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s", fields


def row_by_pk(model: type[Model], pk: Any) -> Model | None:
    """What ``model.objects.filter(pk=pk).first()`` loads (every concrete field), or None, from
    a statement written once per model instead of a queryset built on every call."""
    statement, fields = _select_by_pk(model)
    with connection.cursor() as cursor:
        cursor.execute(statement, [to_db(model._meta.pk, pk)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [from_db(field, value) for field, value in zip(fields, row, strict=True)]
    return model.from_db(connection.alias, [field.attname for field in fields], values)
