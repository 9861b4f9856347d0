"""Catalog reads (anonymous and signed in) come from Redis and are purged when what
they show changes (publish, unpublish, archive). The purge runs after commit, so
tests that expect it run the on-commit callbacks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import CoursePage
from content.services import course_publish, course_update

from .test_api_courses import LIST, ok, titles, url

pytestmark = pytest.mark.django_db


class TestCatalogCache:
    def test_second_anonymous_read_runs_no_query(
        self, client_as, course_factory, django_assert_num_queries
    ):
        course_factory(title="Cached", modules=[("a", 1)])
        client = client_as()
        first = client.get(LIST, {"category": "networking", "ordering": "title"})
        with django_assert_num_queries(0):
            again = client.get(LIST, {"ordering": "title", "category": "networking"})
        assert ok(again) == ok(first)
        assert again.json()["meta"]["pagination"]["total"] == 1
        # The trailing slash does not matter; the parameters do.
        params = {"category": "networking", "ordering": "title"}
        with django_assert_num_queries(0):
            assert titles(client.get(LIST + "/", params)) == ["Cached"]
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(LIST, {"ordering": "title"}))
        assert len(queries) > 0

    def test_each_query_string_has_its_own_entry(self, client_as, course_factory):
        course_factory(title="Web", category="Web")
        course_factory(title="Net", category="Networking")
        client = client_as()
        assert titles(client.get(LIST, {"category": "web"})) == ["Web"]
        assert titles(client.get(LIST, {"category": "networking"})) == ["Net"]
        assert len(ok(client.get(LIST, {"per_page": 1}))) == 1
        assert len(ok(client.get(LIST))) == 2

    def test_detail_is_cached_for_anonymous_readers(
        self, client_as, course_factory, django_assert_num_queries
    ):
        course = course_factory(title="Detail")
        client = client_as()
        first = ok(client.get(url(course)))
        with django_assert_num_queries(0):
            assert ok(client.get(url(course) + "/")) == first

    def test_signed_in_learners_share_the_cached_answer_managers_do_not(
        self, client_as, course_factory, learner, course_instructor, course_admin
    ):
        course = course_factory(title="Before")
        anonymous = client_as()
        assert titles(anonymous.get(LIST)) == ["Before"]
        assert ok(anonymous.get(url(course)))["title"] == "Before"
        # A change that bypasses the services (and so the purge) shows who reads
        # from the cache: anonymous and signed-in learners do (the catalog and a
        # live course are the same for them), the course's managers read fresh.
        CoursePage.objects.filter(pk=course.pk).update(
            title="After", draft_title="After"
        )
        assert titles(anonymous.get(LIST)) == ["Before"]
        signed_in = client_as(learner)
        assert titles(signed_in.get(LIST)) == ["Before"]
        assert ok(signed_in.get(url(course)))["title"] == "Before"
        assert ok(client_as(course_instructor).get(url(course)))["title"] == "After"
        assert ok(client_as(course_admin).get(url(course)))["title"] == "After"

    def test_published_change_is_visible_on_the_next_read(
        self,
        client_as,
        course_factory,
        course_admin,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Old")
        client = client_as()
        assert titles(client.get(LIST)) == ["Old"]
        assert ok(client.get(url(course)))["title"] == "Old"

        course_update(actor=course_admin, course=course, data={"title": "New"})
        assert titles(client.get(LIST)) == ["Old"]  # a revision is not live
        with django_capture_on_commit_callbacks(execute=True):
            course_publish(actor=course_admin, course=course)
        assert titles(client.get(LIST)) == ["New"]
        assert ok(client.get(url(course)))["title"] == "New"

    def test_newly_published_course_appears(
        self,
        client_as,
        course_factory,
        django_capture_on_commit_callbacks,
    ):
        course_factory(title="First")
        client = client_as()
        assert titles(client.get(LIST)) == ["First"]
        with django_capture_on_commit_callbacks(execute=True):
            course_factory(title="Second")
        assert titles(client.get(LIST)) == ["Second", "First"]

    def test_archive_removes_from_the_cached_list_at_once(
        self,
        client_as,
        course_factory,
        course_instructor,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Going away")
        client = client_as()
        assert titles(client.get(LIST)) == ["Going away"]
        assert ok(client.get(url(course)))["status"] == "published"
        with django_capture_on_commit_callbacks(execute=True):
            ok(client_as(course_instructor).delete(url(course)))
        assert titles(client.get(LIST)) == []
        assert ok(client.get(url(course)))["status"] == "archived"

    def test_unpublish_removes_course_and_detail(
        self,
        client_as,
        course_factory,
        course_admin,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Withdrawn")
        client = client_as()
        assert titles(client.get(LIST)) == ["Withdrawn"]
        assert client.get(url(course)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            course.unpublish(user=course_admin)
        assert titles(client.get(LIST)) == []
        assert client.get(url(course)).status_code == 404

    def test_errors_are_not_cached(
        self,
        client_as,
        course_factory,
        course_admin,
        django_capture_on_commit_callbacks,
    ):
        draft = course_factory(title="Soon", publish=False)
        client = client_as()
        assert client.get(url(draft)).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            course_publish(actor=course_admin, course=draft)
        assert ok(client.get(url(draft)))["title"] == "Soon"
