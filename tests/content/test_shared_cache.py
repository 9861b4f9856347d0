"""The shared cache serves the public part of the catalog, a course and its modules
to every reader; what is personal (a learner's completion) is added per request and
never served to anyone else. Published changes, archiving and unpublishing show at
once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.services import course_publish, course_update, module_create
from learning.services import enrollment_create
from learning.services.enrollment import enrollment_cancel
from learning.services.progress import module_progress_record
from tests.portal.factories import UserFactory

from .test_api_courses import LIST, ok, titles, url

pytestmark = pytest.mark.django_db


def modules_url(course) -> str:
    return url(course, "/modules")


def by_id(items) -> dict:
    return {item["id"]: item for item in items}


@pytest.fixture
def two_learners(db):
    return UserFactory(role="student"), UserFactory(role="student")


class TestPersonalDataStaysPersonal:
    def _course(self, course_factory):
        course = course_factory(title="Shared", modules=[("One", 5), ("Two", 5)])
        modules = list(course.get_children().specific().order_by("path"))
        return course, modules

    def test_a_learners_completion_is_never_served_to_another(
        self, client_as, course_factory, two_learners
    ):
        first, second = two_learners
        course, modules = self._course(course_factory)
        for learner in (first, second):
            enrollment_create(actor=learner, course_id=course.pk)
        module_progress_record(
            actor=first, course_id=course.pk, module_id=modules[0].pk, completed=True
        )
        # The first learner fills the cache, the second and an anonymous reader
        # read it: neither sees the first one's completion.
        mine = by_id(ok(client_as(first).get(modules_url(course))))
        assert mine[modules[0].pk]["completed"] is True
        assert mine[modules[1].pk]["completed"] is False
        theirs = by_id(ok(client_as(second).get(modules_url(course))))
        assert theirs[modules[0].pk]["completed"] is False
        assert theirs[modules[0].pk]["time_spent"] == 0
        anonymous = by_id(ok(client_as().get(modules_url(course))))
        assert "completed" not in anonymous[modules[0].pk]
        # And the other way round: the first learner still sees their own state
        # after the others read.
        again = by_id(ok(client_as(first).get(modules_url(course))))
        assert again[modules[0].pk]["completed"] is True

    def test_someone_not_enrolled_gets_no_state_from_a_learner_who_is(
        self, client_as, course_factory, two_learners
    ):
        enrolled, outsider = two_learners
        course, modules = self._course(course_factory)
        enrollment_create(actor=enrolled, course_id=course.pk)
        module_progress_record(
            actor=enrolled, course_id=course.pk, module_id=modules[0].pk, completed=True
        )
        assert ok(client_as(enrolled).get(modules_url(course)))[0]["completed"]
        for item in ok(client_as(outsider).get(modules_url(course))):
            assert "completed" not in item
            assert "time_spent" not in item

    def test_the_learners_state_is_their_progress_rows_and_ends_with_the_enrollment(
        self, client_as, course_factory, two_learners
    ):
        learner, _ = two_learners
        course, modules = self._course(course_factory)
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        result = module_progress_record(
            actor=learner,
            course_id=course.pk,
            module_id=modules[0].pk,
            completed=True,
            time_spent=42,
            last_position=17,
        )
        module_progress_record(
            actor=learner, course_id=course.pk, module_id=modules[1].pk, time_spent=5
        )
        state = by_id(ok(client_as(learner).get(modules_url(course))))
        done, started = state[modules[0].pk], state[modules[1].pk]
        assert done["completed"] is True
        # The same instant, in the API's format, on PostgreSQL and SQLite alike.
        assert done["completed_at"] == (
            result.progress.completed_at.isoformat().replace("+00:00", "Z")
        )
        assert (done["time_spent"], done["last_position"]) == (42, 17)
        assert started["completed"] is False
        assert started["completed_at"] is None
        assert started["time_spent"] == 5
        # A cancelled enrollment keeps its rows but no longer shows them.
        enrollment_cancel(enrollment=enrollment, actor=learner)
        for item in ok(client_as(learner).get(modules_url(course))):
            assert "completed" not in item
            assert "time_spent" not in item

    def test_the_shared_answers_are_the_same_for_everyone(
        self, client_as, course_factory, two_learners
    ):
        first, second = two_learners
        course, _ = self._course(course_factory)
        enrollment_create(actor=first, course_id=course.pk)
        for path in (LIST, url(course)):
            assert ok(client_as(first).get(path)) == ok(client_as(second).get(path))
            assert ok(client_as().get(path)) == ok(client_as(second).get(path))

    def test_my_courses_is_never_cached_across_users(
        self, client_as, course_factory, two_learners
    ):
        first, second = two_learners
        course, _ = self._course(course_factory)
        enrollment_create(actor=first, course_id=course.pk)
        mine = ok(client_as(first).get("/api/v1/users/me/courses"))
        assert [row["course"]["id"] for row in mine] == [course.pk]
        assert mine[0]["course"]["url"] == course.url
        assert ok(client_as(second).get("/api/v1/users/me/courses")) == []


class TestSignedInReadsFromTheCache:
    def test_signed_in_catalog_and_course_run_no_query(
        self, client_as, course_factory, learner
    ):
        course = course_factory(title="Warm", modules=[("a", 1)])
        client = client_as(learner)
        for path in (LIST, url(course), modules_url(course)):
            ok(client.get(path))
        # Warm: the shared entries are cached and the user's row is kept in the
        # process (portal.accounts.request_users).
        for path in (LIST, url(course)):
            with CaptureQueriesContext(connection) as queries:
                ok(client.get(path))
            assert len(queries) == 0, [q["sql"] for q in queries]
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(modules_url(course)))
        # "Enrolled?" (nothing more when not enrolled).
        assert len(queries) == 1, [q["sql"] for q in queries]

    def test_the_instructor_reads_the_latest_revision_not_the_shared_view(
        self, client_as, course_factory, course_instructor, learner
    ):
        course = course_factory(title="Live title")
        ok(client_as(learner).get(url(course)))  # fills the cache
        course_update(
            actor=course_instructor, course=course, data={"title": "Draft title"}
        )
        assert ok(client_as(learner).get(url(course)))["title"] == "Live title"
        assert ok(client_as(course_instructor).get(url(course)))["title"] == (
            "Draft title"
        )
        # ...and the instructor's view did not land in the shared entry.
        assert ok(client_as(learner).get(url(course)))["title"] == "Live title"

    def test_the_instructor_sees_draft_modules_on_request(
        self, client_as, course_factory, course_instructor, learner
    ):
        course = course_factory(title="C", modules=[("Live", 1)])
        module_create(
            actor=course_instructor,
            course=course,
            data={"title": "Draft", "kind": "text", "duration": 1},
        )
        assert [
            m["title"] for m in ok(client_as(learner).get(modules_url(course)))
        ] == ["Live"]
        drafts = client_as(course_instructor).get(
            modules_url(course), {"include_drafts": "true"}
        )
        assert [m["title"] for m in ok(drafts)] == ["Live", "Draft"]
        refused = client_as(learner).get(
            modules_url(course), {"include_drafts": "true"}
        )
        assert refused.status_code == 403


class TestInvalidation:
    def test_a_published_change_is_visible_at_once_to_signed_in_readers(
        self,
        client_as,
        course_factory,
        course_admin,
        learner,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Old", modules=[("Old module", 1)])
        client = client_as(learner)
        assert titles(client.get(LIST)) == ["Old"]
        assert ok(client.get(url(course)))["title"] == "Old"
        assert ok(client.get(modules_url(course)))[0]["title"] == "Old module"
        course_update(actor=course_admin, course=course, data={"title": "New"})
        module = course.get_children().specific().first()
        module.title = "New module"
        module.save_revision(user=course_admin)
        with django_capture_on_commit_callbacks(execute=True):
            course_publish(actor=course_admin, course=course)
        assert titles(client.get(LIST)) == ["New"]
        assert ok(client.get(url(course)))["title"] == "New"
        assert ok(client.get(modules_url(course)))[0]["title"] == "New module"

    def test_an_archived_course_leaves_the_catalog_at_once(
        self,
        client_as,
        course_factory,
        course_instructor,
        learner,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Going")
        client = client_as(learner)
        assert titles(client.get(LIST)) == ["Going"]
        with django_capture_on_commit_callbacks(execute=True):
            ok(client_as(course_instructor).delete(url(course)))
        assert titles(client.get(LIST)) == []
        assert ok(client.get(url(course)))["status"] == "archived"

    def test_unpublishing_removes_course_and_modules_at_once(
        self,
        client_as,
        course_factory,
        course_admin,
        learner,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Withdrawn", modules=[("m", 1)])
        client = client_as(learner)
        for path in (url(course), modules_url(course)):
            assert client.get(path).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            course.unpublish(user=course_admin)
        assert titles(client.get(LIST)) == []
        assert client.get(url(course)).status_code == 404
        assert client.get(modules_url(course)).status_code == 404
