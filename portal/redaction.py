"""One rule for removing a person's identifying values from text and JSON that
others keep (an audit entry's details, a job's report, a notification's payload):
every occurrence of a *needle* (their e-mail address, their full name, first and
last name) as a whole word becomes ``REDACTED``, and nothing else changes. An
e-mail address matches in any case; names match as written (a first name "May"
must not take "may" out of someone else's sentence).

``contains_any`` finds the rows worth rewriting in the database, on PostgreSQL and
SQLite alike: a JSON column is compared as text, and SQLite's JSON text escapes
non-ASCII characters (``"Zoë"`` is stored as ``"Zo\\u00eb"``), so each needle is
looked for in both spellings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

REDACTED = "[erased]"
# Shorter values are not looked for: "Al" would match half the database.
MIN_NEEDLE_LENGTH = 3


def needles_of(*values: str) -> list[str]:
    """The distinct, stripped values worth looking for, longest first (so a full
    name is replaced before a part of it)."""
    found = {(value or "").strip() for value in values}
    return sorted(
        (value for value in found if len(value) >= MIN_NEEDLE_LENGTH),
        key=lambda value: (-len(value), value),
    )


def person_needles(user) -> list[str]:
    """What identifies ``user`` in free text: e-mail address, full name, first and
    last name (read before the account is anonymized)."""
    return needles_of(user.email, user.get_full_name(), user.first_name, user.last_name)


def _pattern(needles: Iterable[str]) -> re.Pattern | None:
    needles = list(needles)
    if not needles:
        return None
    alternatives = [
        f"(?i:{re.escape(n)})" if "@" in n else re.escape(n) for n in needles
    ]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def redact_text(value: str, needles: Iterable[str]) -> str:
    """``value`` with every needle replaced by ``REDACTED``."""
    pattern = _pattern(needles)
    if pattern is None or not value:
        return value
    return pattern.sub(REDACTED, value)


def redact_json(value: Any, needles: Iterable[str]) -> Any:
    """A JSON value (dicts, lists, strings ...) with every needle in its strings,
    keys included, replaced by ``REDACTED``."""
    pattern = _pattern(needles)
    if pattern is None:
        return value

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(REDACTED, item)
        if isinstance(item, dict):
            return {walk(key): walk(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        return item

    return walk(value)


def contains_any(field: str, needles: Iterable[str], *, json_field: bool = False) -> Q:
    """A filter for rows whose ``field`` contains any needle (case-insensitive);
    ``json_field`` compares a JSON column as text. Matches nothing without
    needles. Annotate the queryset with ``as_text(field)`` first for JSON."""
    needles = list(needles)
    if not needles:
        return Q(pk__in=[])
    lookup = f"{_text_alias(field)}__icontains" if json_field else f"{field}__icontains"
    spellings = {s for n in needles for s in (n, json.dumps(n)[1:-1])}
    return reduce(or_, (Q(**{lookup: s}) for s in sorted(spellings)))


def as_text(field: str) -> dict[str, Cast]:
    """``queryset.annotate(**as_text("payload"))`` before ``contains_any(...,
    json_field=True)``."""
    return {_text_alias(field): Cast(field, TextField())}


def _text_alias(field: str) -> str:
    return f"_{field}_as_text"
