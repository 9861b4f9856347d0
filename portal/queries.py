"""Small query helpers shared by the apps."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import QuerySet

T = TypeVar("T")


def unique_row(queryset: QuerySet[T]) -> T | None:
    """The row of a query that matches at most one (a key, a unique constraint),
    or ``None``. Unlike ``.first()`` it adds no ORDER BY, whose building costs the
    ORM more than such a read (measured on the progress and attempt writes)."""
    return next(iter(queryset[:1]), None)


def from_db(model, field_name: str, value):
    """``value`` as a raw cursor returned column ``field_name`` of ``model``, converted
    the way the ORM converts it (a datetime is a string on SQLite, an aware datetime
    on PostgreSQL; the backend's and the field's converters make both the same)."""
    column = model._meta.get_field(field_name).get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(
        connection
    )
    for converter in converters:
        value = converter(value, column, connection)
    return value
