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
    for converter in _converters(column):
        value = converter(value, column, connection)
    return value


def _converters(column) -> list:
    """What the ORM applies to a value the database returned for ``column``: the
    backend's converters, then the field's."""
    return connection.ops.get_db_converters(column) + column.get_db_converters(
        connection
    )


def locked_row(model: type[T], **equals) -> T | None:
    """The row of ``model`` whose columns equal ``equals`` (a key or a unique
    constraint, so at most one), locked until the transaction ends; ``None`` when
    there is none. The same as ``unique_row(model.objects.select_for_update()
    .filter(**equals))`` (on SQLite, which has no row locks, the caller's
    ``IMMEDIATE`` transaction holds the database's write lock instead), written as
    one statement: the learner's every progress report and attempt locks a row, and
    the ORM's building of the query cost twice its raw form (``make bench``). The
    instance is made from the row the way the ORM makes it (``Model.from_db``, the
    backend's and the fields' converters), without a ``RawQuerySet``, whose set-up
    per query cost as much again."""
    fields = [model._meta.get_field(name) for name in equals]
    quote = connection.ops.quote_name
    columns, names, converters = _row_reader(model)
    where = " AND ".join(f"{quote(field.column)} = %s" for field in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Quoted names from the model; every value is a parameter.
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where}{lock}"  # noqa: S608
    params = [
        field.get_db_prep_value(value, connection)
        for field, value in zip(fields, equals.values(), strict=True)
    ]
    # On the connection whose transaction holds the lock (the primary: a read
    # through the ORM would otherwise be routed to a replica when one is set).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, column_converters in converters:
        for converter in column_converters:
            values[index] = converter(values[index], column, connection)
    return model.from_db(connection.alias, names, values)


# (model, connection alias) -> (the quoted column list, the fields' attribute names
# in that order, [(position, column, converters)] of the columns that have any).
_ROW_READERS: dict[tuple[type, str], tuple[str, list[str], list[tuple]]] = {}


def _row_reader(model) -> tuple[str, list[str], list[tuple]]:
    key = (model, connection.alias)
    reader = _ROW_READERS.get(key)
    if reader is None:
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = _converters(column)
            if found:
                converters.append((index, column, found))
        reader = (
            ", ".join(quote(field.column) for field in fields),
            [field.attname for field in fields],
            converters,
        )
        _ROW_READERS[key] = reader
    return reader
