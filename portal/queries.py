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


def locked_row(model: type[T], **equals) -> T | None:
    """The row of ``model`` whose columns equal ``equals`` (a key or a unique
    constraint, so at most one), locked until the transaction ends; ``None`` when
    there is none. The same as ``unique_row(model.objects.select_for_update()
    .filter(**equals))`` (on SQLite, which has no row locks, the caller's
    ``IMMEDIATE`` transaction holds the database's write lock instead), written as
    one statement: the learner's every progress report and attempt locks a row, and
    the ORM's building of the query cost twice its raw form (``make bench``)."""
    fields = [model._meta.get_field(name) for name in equals]
    quote = connection.ops.quote_name
    where = " AND ".join(f"{quote(field.column)} = %s" for field in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Quoted names from the model; every value is a parameter.
    sql = f"SELECT * FROM {quote(model._meta.db_table)} WHERE {where}{lock}"  # noqa: S608
    params = [
        field.get_db_prep_value(value, connection)
        for field, value in zip(fields, equals.values(), strict=True)
    ]
    # On the connection whose transaction holds the lock (the primary: a raw read
    # would otherwise be routed as a read, to a replica when one is configured).
    rows = model.objects.raw(sql, params, using=connection.alias)
    return next(iter(rows), None)
