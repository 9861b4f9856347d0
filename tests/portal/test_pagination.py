"""``PagePagination``: the totals of every paginated list, and the COUNT it spares
when the page it read is the last one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from portal.accounts.models import User
from portal.api.pagination import PagePagination
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def paginate(rows, **query):
    request = Request(APIRequestFactory().get("/", query))
    paginator = PagePagination()
    with CaptureQueriesContext(connection) as queries:
        page = paginator.paginate_queryset(rows, request)
    return page, paginator.get_meta()["pagination"], len(queries)


@pytest.fixture
def five(db):
    UserFactory.create_batch(5)
    return User.objects.order_by("pk")


@pytest.mark.parametrize(
    ("page", "per_page", "items", "total", "pages", "queries"),
    [
        (1, 20, 5, 5, 1, 1),  # one short page: its rows are the total
        (2, 2, 2, 5, 3, 2),  # a full page: the rest is counted
        (3, 2, 1, 5, 3, 1),  # the short last page
        (1, 5, 5, 5, 1, 2),  # exactly full: there may be more, so counted
        (4, 2, 0, 5, 3, 2),  # past the end: empty, totals still right
    ],
)
def test_totals_are_right_and_a_short_page_needs_no_count(
    five, page, per_page, items, total, pages, queries
):
    rows, meta, ran = paginate(five, page=page, per_page=per_page)
    assert len(rows) == items
    assert meta == {"page": page, "per_page": per_page, "total": total, "pages": pages}
    assert ran == queries
    everyone = list(five)
    assert rows == everyone[(page - 1) * per_page : page * per_page]


def test_an_empty_list_is_one_query_and_a_list_none():
    rows, meta, ran = paginate(User.objects.none().order_by("pk"))
    assert (rows, meta["total"], meta["pages"]) == ([], 0, 0)
    rows, meta, ran = paginate(User.objects.filter(pk=-1).order_by("pk"))
    assert (rows, meta["total"], ran) == ([], 0, 1)
    rows, meta, ran = paginate([1, 2, 3], per_page=2, page=2)
    assert (rows, meta["total"], ran) == ([3], 3, 0)
