"""The Wagtail admin's "Learners" area: the course list, the roster with its CSV
export and the gradebook, for the course's instructor and admins only."""

import csv
import io

import pytest
from django.test import Client as WebClient

from assessments.services import assessment_create, attempt_submit
from content.models import ModulePage
from learning.services import enrollment_create, module_progress_record
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ESSAY = [
    {
        "id": "q1",
        "type": "single_choice",
        "prompt": "Port of HTTPS?",
        "choices": ["80", "443"],
        "correct": 1,
    },
    {"id": "e1", "type": "essay", "prompt": "Explain XSS.", "points": 4},
]


def web_for(user) -> WebClient:
    client = WebClient()
    client.force_login(user)
    return client


@pytest.fixture
def taught(course, instructor):
    essay = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="XSS essay",
        assessment_type="assignment",
        questions=ESSAY,
        passing_score=50,
        max_attempts=2,
    )
    learner = UserFactory(email="learner@example.com", first_name="Lee")
    enrollment_create(actor=learner, course_id=course.pk)
    first = ModulePage.objects.child_of(course).order_by("path").first()
    module_progress_record(
        actor=learner, course_id=course.pk, module_id=first.pk, completed=True
    )
    attempt = attempt_submit(
        actor=learner, assessment_id=essay.pk, answers={"q1": 1, "e1": "Scripts."}
    )
    return {"essay": essay, "learner": learner, "attempt": attempt}


def roster_url(course) -> str:
    return f"/cms/learning/courses/{course.pk}/roster/"


def gradebook_url(course) -> str:
    return f"/cms/grading/courses/{course.pk}/gradebook/"


class TestLearnersArea:
    def test_instructor_lists_own_courses_only(self, course, make_course, instructor):
        other_instructor = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=other_instructor)
        theirs = make_course(title="Someone else's", instructor=other_instructor)
        from content.models import CoursePage

        CoursePage.objects.filter(pk=theirs.pk).update(instructor=other_instructor)
        html = web_for(instructor).get("/cms/learning/courses/").content.decode()
        assert course.title in html
        assert "Someone else&#x27;s" not in html
        assert roster_url(course) in html
        assert gradebook_url(course) in html
        assert "Learners" in web_for(instructor).get("/cms/").content.decode()

    def test_roster_page(self, course, instructor, taught):
        response = web_for(instructor).get(roster_url(course))
        assert response.status_code == 200
        html = response.content.decode()
        assert "learner@example.com" in html
        assert 'data-state="completed"' in html
        assert 'data-state="not_started"' in html
        attempt = taught["attempt"]
        assert f"/cms/grading/{attempt.pk}/" in html

    def test_roster_csv_export(self, course, instructor, taught):
        response = web_for(instructor).get(roster_url(course), {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][1] == "email"
        assert rows[1][1] == "learner@example.com"
        assert "module: Intro" in rows[0]
        line = dict(zip(rows[0], rows[1], strict=True))
        assert line["module: Intro"] == "completed"
        assert line["pending review: XSS essay"] == "1"

    def test_gradebook(self, course, instructor, taught):
        response = web_for(instructor).get(gradebook_url(course))
        assert response.status_code == 200
        html = response.content.decode()
        assert "XSS essay" in html
        assert "Lee" in html
        assert "1 attempt" in html
        assert f'href="/cms/grading/{taught["attempt"].pk}/"' in html

    def test_admin_sees_every_course(self, course, admin_user, taught):
        client = web_for(admin_user)
        assert client.get(roster_url(course)).status_code == 200
        assert client.get(gradebook_url(course)).status_code == 200


class TestLearnersAreaAccess:
    def test_another_instructor_gets_403(self, course, taught):
        other = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=other)
        client = web_for(other)
        assert client.get(roster_url(course)).status_code == 403
        assert client.get(roster_url(course), {"format": "csv"}).status_code == 403
        assert client.get(gradebook_url(course)).status_code == 403

    def test_someone_elses_draft_is_404(self, make_course):
        draft = make_course(title="Draft", publish=False)
        other = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=other)
        client = web_for(other)
        assert client.get(roster_url(draft)).status_code == 404
        assert client.get(gradebook_url(draft)).status_code == 404

    def test_students_never_see_it(self, course, taught):
        client = web_for(taught["learner"])
        for url in (
            "/cms/learning/courses/",
            roster_url(course),
            gradebook_url(course),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            # No roster or gradebook table (the 403 page names only the visitor).
            assert b"<table" not in response.content

    def test_anonymous_is_sent_to_sign_in(self, client, course):
        assert client.get(roster_url(course)).status_code == 302


class TestQueryCounts:
    def test_roster_and_gradebook_constant_in_rows(
        self, course, instructor, taught, django_assert_max_num_queries
    ):
        client = web_for(instructor)
        urls = [roster_url(course), gradebook_url(course)]
        counts = {}
        for url in urls:
            with django_assert_max_num_queries(80) as captured:
                assert client.get(url).status_code == 200
            counts[url] = len(captured.captured_queries)
        essay = taught["essay"]
        for _ in range(5):
            learner = UserFactory()
            enrollment_create(actor=learner, course_id=course.pk)
            attempt_submit(
                actor=learner, assessment_id=essay.pk, answers={"q1": 0, "e1": "x"}
            )
        for url in urls:
            with django_assert_max_num_queries(counts[url]):
                response = client.get(url)
            assert response.content.decode().count("data-learner=") == 6
