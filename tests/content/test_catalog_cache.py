"""The anonymous catalog cache cannot be flooded (issue 13, finding 8), tried from
the attacker's side: an anonymous client adding parameters the endpoint ignores, or
spelling the same values differently, to make each request a new cache entry."""

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LIST = "/api/v1/courses"


def queries(client, path, params=None) -> int:
    """Database queries of one anonymous request: none when the cache answered."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


class TestCatalogCacheKeys:
    def test_fifty_requests_with_unknown_parameters_share_one_entry(
        self, client_as, course_factory
    ):
        course_factory(title="Packets")
        client = client_as()
        assert queries(client, LIST) > 0  # the one entry
        for _ in range(49):
            junk = {f"x{secrets.token_hex(4)}": secrets.token_hex(8)}
            assert queries(client, LIST, junk) == 0

    def test_other_spellings_of_the_same_values_share_one_entry(
        self, client_as, course_factory
    ):
        course = course_factory(title="Packets")
        client = client_as()
        first = {"per_page": 100, "instructor": course.instructor_id, "ordering": ""}
        assert queries(client, LIST, first) > 0
        same = {"per_page": 500, "instructor": f"00{course.instructor_id}"}
        assert queries(client, LIST, same) == 0

    def test_known_parameters_still_get_their_own_answers(
        self, client_as, course_factory
    ):
        course_factory(title="Packets", difficulty_level="beginner")
        client = client_as()
        all_courses = client.get(LIST).json()["data"]
        advanced = client.get(LIST, {"difficulty_level": "advanced"}).json()["data"]
        assert (len(all_courses), advanced) == (1, [])

    def test_a_course_detail_ignores_every_query_parameter(
        self, client_as, course_factory
    ):
        course = course_factory(title="Packets")
        client = client_as()
        path = f"{LIST}/{course.pk}"
        assert queries(client, path) > 0
        assert queries(client, path, {"nocache": secrets.token_hex(8)}) == 0
