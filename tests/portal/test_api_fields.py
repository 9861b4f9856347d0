"""portal.api.fields: input fields that take exactly what the schema documents."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from rest_framework import serializers

from portal.api.fields import (
    QueryBooleanField,
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    query_boolean,
)


class Body(serializers.Serializer):
    flag = StrictBooleanField(required=False, default=True)
    name = StrictCharField(required=False, allow_blank=True)
    price = StrictDecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        required=False,
    )


class Query(serializers.Serializer):
    mine = QueryBooleanField(required=False, default=False)


def errors(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid()
    return serializer.errors


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(fields)
    return data


class TestStrictBoolean:
    @pytest.mark.parametrize("value", [True, False])
    def test_json_booleans(self, value):
        serializer = Body(data={"flag": value})
        assert serializer.is_valid()
        assert serializer.validated_data["flag"] is value

    @pytest.mark.parametrize("value", ["true", "yes", "on", 1, 0, "", None, []])
    def test_anything_else_in_json_is_refused(self, value):
        assert "flag" in errors(Body, {"flag": value})

    @pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False)])
    def test_form_bodies_send_the_words(self, value, expected):
        serializer = Body(data=form(flag=value))
        assert serializer.is_valid()
        assert serializer.validated_data["flag"] is expected

    @pytest.mark.parametrize("value", ["on", "yes", "1", ""])
    def test_form_bodies_take_nothing_else(self, value):
        assert "flag" in errors(Body, form(flag=value))

    def test_missing_from_a_form_is_the_default_not_false(self):
        serializer = Body(data=form(name="x"))
        assert serializer.is_valid()
        assert serializer.validated_data["flag"] is True


class TestQueryBoolean:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("true", True), ("false", False), ("1", True), ("0", False)],
    )
    def test_documented_spellings(self, value, expected):
        serializer = Query(data=form(mine=value))
        assert serializer.is_valid()
        assert serializer.validated_data["mine"] is expected
        assert query_boolean(value, field="mine") is expected

    @pytest.mark.parametrize("value", ["", "True", "yes", "on", "2"])
    def test_others_are_refused(self, value):
        assert "mine" in errors(Query, form(mine=value))
        with pytest.raises(serializers.ValidationError):
            query_boolean(value, field="mine")

    def test_absent_is_the_default(self):
        serializer = Query(data=form())
        assert serializer.is_valid()
        assert serializer.validated_data["mine"] is False
        assert query_boolean(None, field="mine") is None


class TestStrictChar:
    @pytest.mark.parametrize("value", [12, 1.5, True, ["a"]])
    def test_only_strings(self, value):
        assert "name" in errors(Body, {"name": value})

    def test_strings(self):
        serializer = Body(data={"name": "Ada"})
        assert serializer.is_valid()


class TestStrictDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("49.90", Decimal("49.90")),
            ("0", Decimal("0")),
            (".5", Decimal("0.5")),
            ("1000000", Decimal("1000000")),
            (49.5, Decimal("49.5")),
            (12, Decimal("12")),
        ],
    )
    def test_documented_values(self, value, expected):
        serializer = Body(data={"price": value})
        assert serializer.is_valid(), serializer.errors
        assert serializer.validated_data["price"] == expected

    @pytest.mark.parametrize(
        "value", ["", "-", ".", "-1", "1e3", " 1", "1.999", "1000000.01", True]
    )
    def test_others_are_refused(self, value):
        assert "price" in errors(Body, {"price": value})
