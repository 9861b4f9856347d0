"""Page-number pagination that fills ``meta.pagination`` of the envelope."""

import math

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination

from .responses import ApiResponse

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise serializers.ValidationError({name: [_("Must be a positive integer.")]})
    return value


class PagePagination(BasePagination):
    """``?page=`` (1-based) and ``?per_page=`` (default 20, capped at 100).

    A page past the end is an empty list with correct totals, not an error.
    """

    def page_params(self, request) -> tuple[int, int]:
        """``(page, per_page)`` as read from the query: also what a cached page is
        keyed by, so that ``?per_page=500`` and ``?per_page=100`` share one entry."""
        per_page = _positive_int(request, "per_page", DEFAULT_PER_PAGE)
        return _positive_int(request, "page", 1), min(per_page, MAX_PER_PAGE)

    def paginate_queryset(self, queryset, request, view=None):
        self.page, self.per_page = self.page_params(request)
        start = (self.page - 1) * self.per_page
        if isinstance(queryset, list | tuple):
            self.total = len(queryset)
            return list(queryset[start : start + self.per_page])
        rows = list(queryset[start : start + self.per_page])
        if 0 < len(rows) < self.per_page or (not rows and start == 0):
            # A short page is the last one (or the list is empty): its rows give the
            # total, without a COUNT. Most lists of one person's things (courses,
            # orders, consents) fit on one page, so they cost one query, not two.
            self.total = start + len(rows)
        else:
            self.total = queryset.count()
        return rows

    def get_meta(self) -> dict:
        return {
            "pagination": {
                "page": self.page,
                "per_page": self.per_page,
                "total": self.total,
                "pages": math.ceil(self.total / self.per_page) if self.total else 0,
            }
        }

    def get_paginated_response(self, data):
        return ApiResponse(data, meta=self.get_meta())

    def get_paginated_response_schema(self, schema):
        from .schema import envelope_schema

        return envelope_schema(schema, paginated=True)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "1-based page number; past the last page is empty.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "required": False,
                "in": "query",
                "description": "Items per page (default 20; above 100 means 100).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


def paginated_response(
    view, request, items, serializer_class, *, prepare=None, render=None
):
    """One page of ``items`` in the envelope with ``meta.pagination``: the page is
    cut by ``PagePagination``, passed through ``prepare`` (e.g. to build its rows or
    attach per-row figures in one query) and serialized by ``serializer_class``
    (with the request in its context), or by ``render(page, context)`` where a hot
    list builds its rows itself (``serializer_class`` then only documents them)."""
    paginator = PagePagination()
    page = paginator.paginate_queryset(items, request, view)
    if prepare is not None:
        page = prepare(page)
    context = {"request": request}
    if render is not None:
        data = render(page, context)
    else:
        data = serializer_class(page, many=True, context=context).data
    return paginator.get_paginated_response(data)
