"""The API's JSON parser: what Python's ``json`` accepts but the portal cannot hold is
refused at the edge with a 400, before any view sees it.

Two inputs parse as JSON yet fail later with a 500:

- nesting deep enough that ``json`` (or any recursive code after it) raises
  ``RecursionError``; no request body of the API nests more than a few levels, so
  more than ``MAX_DEPTH`` is refused;
- a lone UTF-16 surrogate written as an escape (``"\\ud800"``): a valid ``str`` in
  Python, but not encodable as UTF-8, so PostgreSQL, Redis keys and the logs fail on
  it wherever it goes. Escaped surrogate *pairs* decode to one character and pass.
"""

import re

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

# Deeper than any documented request body (module blocks: body > block > value > …).
MAX_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SafeJSONParser(JSONParser):
    """DRF's ``JSONParser``, plus a 400 ``VALIDATION_ERROR`` for nesting over
    ``MAX_DEPTH`` (``ParseError``) and for a lone surrogate in any key or string
    (``ValidationError`` naming the field, as DRF's ``CharField`` does for the
    fields that are strings; this also covers keys and free-form JSON values)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        _reject_unsafe(data)
        return data


def _reject_unsafe(data) -> None:
    """Walks with a stack, not recursion, so the check itself cannot overflow."""
    stack = [(data, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                raise ValidationError({path or "non_field_errors": [_surrogate()]})
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_too_deep())
        if isinstance(value, dict):
            for key, item in value.items():
                # The key itself goes into the error's field, so it must be UTF-8.
                name = LONE_SURROGATE.sub("\ufffd", key)
                child = f"{path}.{name}" if path else name
                stack.append((key, depth, child))
                stack.append((item, depth + 1, child))
        else:
            stack.extend(
                (item, depth + 1, f"{path}[{index}]")
                for index, item in enumerate(value)
            )


def _too_deep() -> str:
    return f"JSON may nest at most {MAX_DEPTH} levels."


def _surrogate() -> str:
    return "Text may not hold lone UTF-16 surrogates (U+D800 to U+DFFF)."
