"""One catalog: the rendered catalog page and ``GET /api/v1/courses`` list courses
through one selector and one search backend, so the same query finds the same
courses in the same order on both faces (ranked full-text search on PostgreSQL, the
word fallback on the embedded default's SQLite)."""

import re

import pytest
from django.db import connection

from content.services import catalog_get, course_archive

pytestmark = pytest.mark.django_db

LIST = "/api/v1/courses"


@pytest.fixture
def courses(home_page, course_factory, course_instructor):
    """Courses whose titles and descriptions make relevance, age and title order
    differ, in two categories and three levels, plus one archived and one draft."""
    catalog_get()
    # The oldest first: newest-first (the fallback's order) is not the title order.
    course_factory(
        title="Ancient malware",
        description="Kept for the records.",
        category="Threats",
    )
    course_factory(
        title="Malware analysis",
        description="Reverse engineering of malware samples.",
        category="Threats",
        difficulty_level="advanced",
    )
    course_factory(
        title="Incident response",
        description="Memory forensics after a malware outbreak.",
        category="Operations",
        difficulty_level="intermediate",
    )
    course_factory(
        title="Cloud security",
        description="Identity and access for incident responders.",
        category="Operations",
        difficulty_level="beginner",
    )
    course_factory(
        title="C++ for analysts",
        description="Read the malware authors' code.",
        category="Threats",
        difficulty_level="beginner",
    )
    course_archive(
        actor=course_instructor,
        course=course_factory(title="Archived malware", category="Threats"),
    )
    course_factory(title="Draft malware", category="Threats", publish=False)


def page_ids(client, **params) -> list[int]:
    response = client.get("/courses/", params)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="course-(\d+)"', response.text)]


def api_ids(client, **params) -> list[int]:
    response = client.get(LIST, {"per_page": 100, **params})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


class TestOneCatalog:
    @pytest.mark.parametrize(
        "query",
        [
            "malware",
            "incident response",  # several words: every word must match
            "memory forensics malware",
            "security",
            "C++",
            '"unterminated',
            "quantum",
        ],
    )
    def test_page_and_api_find_the_same_courses_in_the_same_order(
        self, client, courses, query
    ):
        found = page_ids(client, q=query)

        assert found == api_ids(client, q=query)
        if query == "malware":
            assert len(found) == 4  # live and listed only, not archived or draft

    @pytest.mark.parametrize(
        ("page_params", "api_params"),
        [
            ({"category": "Threats"}, {"category": "Threats"}),
            ({"difficulty": "beginner"}, {"difficulty_level": "beginner"}),
            (
                {"q": "malware", "category": "Threats", "difficulty": "beginner"},
                {"q": "malware", "category": "Threats", "difficulty_level": "beginner"},
            ),
        ],
    )
    def test_filters_mean_the_same_on_both_faces(
        self, client, courses, page_params, api_params
    ):
        # Without a query the page lists by title; with one, by relevance.
        ordering = "" if "q" in api_params else "title"
        found = page_ids(client, **page_params)

        assert found
        assert found == api_ids(client, ordering=ordering, **api_params)

    def test_without_a_query_the_page_lists_by_title(self, client, courses):
        assert page_ids(client) == api_ids(client, ordering="title")

    def test_search_backend_follows_the_database(self, client, courses):
        # PostgreSQL stems words ("forensic" finds "forensics") and matches whole
        # words only; the fallback matches any part of a word, in any case.
        forensic = page_ids(client, q="forensic")
        part_of_a_word = page_ids(client, q="foren")

        assert len(forensic) == 1
        if connection.vendor == "postgresql":
            assert part_of_a_word == []
        else:
            assert part_of_a_word == forensic

    @pytest.mark.postgres  # ranked full-text search
    def test_the_page_ranks_title_matches_first(self, client, courses):
        titles = re.findall(
            r'class="card-title"><a href="[^"]*">([^<]*)</a>',
            client.get("/courses/", {"q": "malware"}).text,
        )

        assert titles[:2] == ["Malware analysis", "Ancient malware"]
        assert set(titles[2:]) == {"Incident response", "C++ for analysts"}
