"""SCIM filters (RFC 7644 §3.4.2.2) as Django ``Q`` objects.

``scim2-models`` parses the filter; this visitor maps each attribute the server
publishes to its column, so a filter runs in the database whatever its size.
An attribute the resource does not have, or an operator it cannot take, is an
``invalidFilter`` error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from .resources import GROUP_SCHEMA, USER_SCHEMA


@dataclass(frozen=True)
class Column:
    lookup: str
    kind: str = "string"  # string, exact (caseExact string), uuid, bool, date
    nullable: bool = False


USER_COLUMNS = {
    "id": Column("scim_id", "uuid"),
    "externalid": Column("external_id", "exact"),
    "username": Column("user_name"),
    "active": Column("active", "bool"),
    "name.givenname": Column("user__first_name"),
    "name.familyname": Column("user__last_name"),
    "emails": Column("user__email"),
    "emails.value": Column("user__email"),
    "meta.created": Column("created_at", "date"),
    "meta.lastmodified": Column("updated_at", "date"),
}

GROUP_COLUMNS = {
    "id": Column("scim_id", "uuid"),
    "externalid": Column("external_id", "exact"),
    "displayname": Column("display_name"),
    "members": Column("members__scim_id", "uuid", nullable=True),
    "members.value": Column("members__scim_id", "uuid", nullable=True),
    "meta.created": Column("created_at", "date"),
    "meta.lastmodified": Column("updated_at", "date"),
}

_STRING_LOOKUPS = {
    CompareOperator.eq: "iexact",
    CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith",
    CompareOperator.ew: "iendswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
_EXACT_LOOKUPS = {**_STRING_LOOKUPS, CompareOperator.eq: "exact"}
_EXACT_LOOKUPS.update(
    {CompareOperator.co: "contains", CompareOperator.sw: "startswith"}
)
_EXACT_LOOKUPS[CompareOperator.ew] = "endswith"
_ORDER_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


# More comparisons than an HR system ever sends; a bound on the SQL one filter makes.
MAX_TERMS = 50


class _ToQ(FilterVisitor[Q]):
    def __init__(self, columns: dict[str, Column], schema: str):
        self.columns = columns
        self.schema = schema.lower()
        self.prefix: str | None = None
        self.terms = 0

    def _column(self, path: AttrPath) -> Column:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise InvalidFilterException(detail="The filter has too many terms.")
        if path.uri and path.uri.lower() != self.schema:
            raise InvalidFilterException(detail=f"Unknown schema {path.uri}.")
        name = path.attr.lower()
        if self.prefix:
            name = f"{self.prefix}.{name}"
        if path.sub_attr:
            name = f"{name}.{path.sub_attr.lower()}"
        column = self.columns.get(name)
        if column is None:
            raise InvalidFilterException(detail=f"Cannot filter on '{path}'.")
        return column

    def visit_comparison(self, node: Comparison) -> Q:
        column = self._column(node.attr_path)
        op, value = node.op, node.value
        if op == CompareOperator.ne:
            return ~self._compare(column, CompareOperator.eq, value, str(node))
        return self._compare(column, op, value, str(node))

    def _compare(self, column: Column, op: CompareOperator, value: Any, text: str):
        if column.kind == "bool":
            if op != CompareOperator.eq or not isinstance(value, bool):
                raise InvalidFilterException(detail=f"Invalid comparison '{text}'.")
            if value:  # an unset flag counts as true (a User never deactivated)
                return ~Q(**{column.lookup: False})
            return Q(**{column.lookup: False})
        if column.kind == "uuid":
            if op != CompareOperator.eq or not isinstance(value, str):
                raise InvalidFilterException(detail=f"Invalid comparison '{text}'.")
            try:
                return Q(**{column.lookup: uuid.UUID(value)})
            except ValueError:
                return Q(pk__in=[])  # no resource has that id
        if column.kind == "date":
            if op not in _ORDER_LOOKUPS or not isinstance(value, str):
                raise InvalidFilterException(detail=f"Invalid comparison '{text}'.")
            moment = parse_datetime(value)
            if moment is None:
                raise InvalidFilterException(detail=f"Invalid date in '{text}'.")
            return Q(**{f"{column.lookup}__{_ORDER_LOOKUPS[op]}": moment})
        if not isinstance(value, str):
            raise InvalidFilterException(detail=f"Invalid comparison '{text}'.")
        lookups = _EXACT_LOOKUPS if column.kind == "exact" else _STRING_LOOKUPS
        return Q(**{f"{column.lookup}__{lookups[op]}": value})

    def visit_present(self, node: Present) -> Q:
        column = self._column(node.attr_path)
        if column.kind in ("bool", "uuid", "date") or column.nullable:
            return Q(**{f"{column.lookup}__isnull": False})
        return ~Q(**{column.lookup: ""}) & Q(**{f"{column.lookup}__isnull": False})

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        result = terms[0]
        for term in terms[1:]:
            result = result & term if node.op == LogicalOperator.and_ else result | term
        return result

    def visit_value_path(self, node: ValuePath) -> Q:
        if self.prefix is not None or node.sub_attr:
            raise InvalidFilterException(
                detail="Nested value filters are not supported."
            )
        self.prefix = node.attr_path.attr.lower()
        try:
            return self.visit(node.val_filter)
        finally:
            self.prefix = None


def filter_q(*, expression: str, resource_type: str) -> Q:
    """The ``Q`` of a SCIM filter on Users or Groups; ``InvalidFilterException``
    for a filter that does not parse or names what cannot be filtered."""
    try:
        parsed = ScimFilter(expression)
    except InvalidFilterException:
        raise
    except RecursionError:
        raise InvalidFilterException(
            detail="The filter is nested too deeply."
        ) from None
    except Exception as exc:  # the parser's own syntax errors
        raise InvalidFilterException(detail=f"Invalid filter: {exc}") from None
    if resource_type == "User":
        return _ToQ(USER_COLUMNS, USER_SCHEMA).visit(parsed.ast)
    return _ToQ(GROUP_COLUMNS, GROUP_SCHEMA).visit(parsed.ast)
