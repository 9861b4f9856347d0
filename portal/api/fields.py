"""Input fields that take exactly what the OpenAPI schema documents.

DRF's own fields are lenient: ``BooleanField`` takes ``"yes"``, ``1`` or ``"on"``,
``CharField`` takes numbers. A client written against the schema never needs that,
and a schema that says ``boolean`` while the server takes ``"on"`` is a lie a
fuzzer (or a partner's generated client) finds. These fields refuse what the schema
does not allow, with a 400 naming the field.
"""

import re
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

QUERY_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
QUERY_BOOLEAN_SCHEMA = {"type": "string", "enum": list(QUERY_BOOLEANS)}
# Ids: positive, at most 18 digits (the URL patterns' ``[1-9][0-9]{0,17}``).
MAX_ID = 10**18 - 1
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


class _BlankIsInvalid:
    """DRF reads a blank optional form value (``?mine=``) as "not sent"; a blank is
    not a boolean, so it is refused instead."""

    def get_value(self, dictionary):
        if _is_form_input(self) and dictionary.get(self.field_name, None) == "":
            return ""
        return super().get_value(dictionary)


def _is_form_input(field: serializers.Field) -> bool:
    """Form and multipart bodies (and query strings) carry only strings."""
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class StrictBooleanField(_BlankIsInvalid, serializers.BooleanField):
    """A boolean body field: JSON ``true`` or ``false`` only. A form or multipart
    body, which has no booleans, may send the strings ``true`` and ``false``."""

    default_error_messages = {"invalid": _("Must be true or false.")}
    # DRF reads a boolean missing from a form as false (HTML checkboxes); here a
    # missing field is missing, so its default applies as in JSON.
    default_empty_html = empty

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and _is_form_input(self):
            value = data.lower()
            if value in ("true", "false"):
                return value == "true"
        self.fail("invalid", input=data)


@extend_schema_field(QUERY_BOOLEAN_SCHEMA)
class QueryBooleanField(_BlankIsInvalid, serializers.BooleanField):
    """A boolean query parameter: ``true``, ``false``, ``1`` or ``0``, nothing else
    (an empty ``?mine=`` is an error, not "false")."""

    default_error_messages = {"invalid": _("Must be one of: true, false, 1, 0.")}
    default_empty_html = empty

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data in QUERY_BOOLEANS:
            return QUERY_BOOLEANS[data]
        self.fail("invalid", input=data)

    def to_representation(self, value):
        return "true" if value else "false"


def query_boolean(raw: str | None, *, field: str) -> bool | None:
    """Parse a boolean query parameter read by hand: None when absent."""
    if raw is None:
        return None
    if raw in QUERY_BOOLEANS:
        return QUERY_BOOLEANS[raw]
    raise serializers.ValidationError(
        {field: [QueryBooleanField.default_error_messages["invalid"]]}
    )


class StrictCharField(serializers.CharField):
    """A string body field that takes strings only (DRF's also takes numbers)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictRegexField(serializers.RegexField):
    """``RegexField`` that takes strings only."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "object", "additionalProperties": {}})
class JSONObjectField(serializers.JSONField):
    """A JSON object in the body (``{key: value}``). The schema says so; the
    service validates the content and names what is wrong."""


def _decimal_core(field: serializers.DecimalField) -> str:
    """The regular expression (unanchored) of a decimal string the field takes:
    digits, an optional fraction within ``decimal_places``, no exponent, no
    blank; a ``-`` only when negative values are allowed; and, when the maximum
    is a power of ten (100, 1 000 000), no more digits than it has."""
    places = field.decimal_places or 0
    whole = 18
    if field.max_digits is not None:
        whole = field.max_digits - places
    fraction = rf"(?:\.\d{{0,{places}}})?" if places else ""
    alternatives = []
    limit = field.max_value
    if limit is not None and limit >= 10 and limit == 10 ** (len(str(int(limit))) - 1):
        whole = min(whole, len(str(int(limit))) - 1)
        zeros = rf"(?:\.0{{0,{places}}})?" if places else ""
        alternatives.append(f"{int(limit)}{zeros}")
    alternatives.append(rf"\d{{1,{whole}}}{fraction}")
    if places:
        alternatives.append(rf"\.\d{{1,{places}}}")
    negative = field.min_value is None or field.min_value < 0
    return ("-?" if negative else "") + f"(?:{'|'.join(alternatives)})"


def decimal_pattern(field: serializers.DecimalField) -> str:
    return f"^{_decimal_core(field)}$"


class StrictDecimalField(serializers.DecimalField):
    """A decimal body field: a string such as ``"49.90"`` matching the documented
    pattern (no blank, exponent, or sign where none is allowed), or a JSON number
    within the documented range and decimal places."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not re.fullmatch(_decimal_core(self), data):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


def decimal_request_schema(field: serializers.DecimalField) -> dict:
    """How a decimal is documented in request bodies (see ``StrictDecimalField``)."""
    number: dict = {"type": "number"}
    if field.min_value is not None:
        number["minimum"] = float(field.min_value)
    if field.max_value is not None:
        number["maximum"] = float(field.max_value)
    if field.decimal_places:
        number["multipleOf"] = float(Decimal(1).scaleb(-field.decimal_places))
    return {
        "oneOf": [
            {"type": "string", "format": "decimal", "pattern": decimal_pattern(field)},
            number,
        ]
    }


class JSONListField(serializers.JSONField):
    """A JSON list of ``min_items`` to ``max_items`` objects in the body (so the
    schema says); the service validates the list and each item."""

    def __init__(self, *, min_items: int = 0, max_items: int | None = None, **kw):
        self.min_items = min_items
        self.max_items = max_items
        super().__init__(**kw)

    def schema(self) -> dict:
        schema = {"type": "array", "items": {"type": "object"}}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.help_text:
            schema["description"] = str(self.help_text)
        return schema
