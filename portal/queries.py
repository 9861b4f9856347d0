"""Small query helpers shared by the apps."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet

T = TypeVar("T")


def unique_row(queryset: QuerySet[T]) -> T | None:
    """The row of a query that matches at most one (a key, a unique constraint),
    or ``None``. Unlike ``.first()`` it adds no ORDER BY, whose building costs the
    ORM more than such a read (measured on the progress and attempt writes)."""
    return next(iter(queryset[:1]), None)
