"""GET /courses/{id}/enrollments: the roster for the course's instructor and admins,
as JSON pages and as a CSV download."""

import csv
import io

import pytest

from assessments.services import assessment_create, attempt_submit
from content.models import ModulePage
from learning.services import (
    enrollment_cancel,
    enrollment_create,
    module_progress_record,
)
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

FLAG_A, FLAG_B = "FLAG{alpha}", "FLAG{bravo}"


def url(course, query="") -> str:
    return f"/api/v1/courses/{course.pk}/enrollments{query}"


def code(response) -> str:
    return response.json()["errors"][0]["code"]


@pytest.fixture
def graded_course(course, instructor):
    """A course with a quiz and a two-flag lab, and two learners: one who did some
    work and one who only enrolled."""
    quiz = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Quiz",
        assessment_type="quiz",
        questions=[
            {
                "id": "q1",
                "type": "single_choice",
                "prompt": "Port of HTTPS?",
                "choices": ["80", "443"],
                "correct": 1,
            }
        ],
        passing_score=100,
        max_attempts=3,
    )
    lab = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Lab",
        assessment_type="lab",
        questions=[
            {"id": "f1", "type": "flag", "prompt": "First", "correct": FLAG_A},
            {"id": "f2", "type": "flag", "prompt": "Second", "correct": FLAG_B},
        ],
        passing_score=100,
        max_attempts=5,
    )
    worker = UserFactory(email="a-worker@example.com", first_name="Ada")
    idle = UserFactory(email="b-idle@example.com")
    for user in (worker, idle):
        enrollment_create(actor=user, course_id=course.pk)
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    module_progress_record(
        actor=worker, course_id=course.pk, module_id=modules[0].pk, completed=True
    )
    module_progress_record(
        actor=worker, course_id=course.pk, module_id=modules[1].pk, time_spent=30
    )
    attempt_submit(actor=worker, assessment_id=quiz.pk, answers={"q1": 0})
    attempt_submit(actor=worker, assessment_id=quiz.pk, answers={"q1": 1})
    attempt_submit(actor=worker, assessment_id=lab.pk, answers={"f1": FLAG_A})
    return {"quiz": quiz, "lab": lab, "worker": worker, "idle": idle}


class TestRoster:
    def test_rows_for_the_owning_instructor(
        self, api_client, course, instructor, graded_course
    ):
        signed_in(api_client, instructor)
        response = api_client.get(url(course))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["meta"]["pagination"]["total"] == 2
        worker, idle = body["data"]
        assert worker["user"]["email"] == "a-worker@example.com"
        assert worker["status"] == "active"
        assert worker["last_accessed"] is not None
        assert worker["progress_percentage"] == 50.0
        states = [m["state"] for m in worker["modules"]]
        assert states == ["completed", "in_progress", "not_started"]
        titles = [m["title"] for m in worker["modules"]]
        assert titles == ["Intro", "Firewalls", "Extra reading"]
        quiz, lab = worker["assessments"]
        assert (quiz["title"], quiz["best_score"], quiz["attempts"]) == ("Quiz", 100, 2)
        assert quiz["passed"] is True
        assert (lab["flags_captured"], lab["flags_total"]) == (1, 2)
        assert [m["state"] for m in idle["modules"]] == ["not_started"] * 3
        assert idle["assessments"][0]["best_score"] is None
        assert idle["assessments"][1]["flags_captured"] == 0

    def test_flags_count_across_attempts_once(
        self, api_client, course, instructor, graded_course
    ):
        worker, lab = graded_course["worker"], graded_course["lab"]
        attempt_submit(
            actor=worker, assessment_id=lab.pk, answers={"f1": FLAG_A, "f2": FLAG_B}
        )
        signed_in(api_client, admin := UserFactory(role=Role.ADMIN))
        user_role_privileges_sync(user=admin)
        row = api_client.get(url(course)).json()["data"][0]
        assert row["assessments"][1]["flags_captured"] == 2

    def test_status_filter_keeps_cancelled_rows_visible(
        self, api_client, course, instructor, graded_course
    ):
        idle = graded_course["idle"]
        enrollment_cancel(enrollment=idle.enrollments.get(), actor=idle)
        signed_in(api_client, instructor)
        everyone = api_client.get(url(course)).json()["data"]
        assert [r["status"] for r in everyone] == ["active", "cancelled"]
        cancelled = api_client.get(url(course, "/?status=cancelled")).json()
        assert [r["user"]["email"] for r in cancelled["data"]] == [idle.email]
        bad = api_client.get(url(course, "?status=lost"))
        assert (bad.status_code, code(bad)) == (400, "VALIDATION_ERROR")
        assert bad.json()["errors"][0]["field"] == "status"

    def test_csv_download(self, api_client, course, admin_user, graded_course):
        worker = graded_course["worker"]
        signed_in(api_client, admin_user)
        response = api_client.get(url(course, "?format=csv"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        header = rows[0]
        assert header[:5] == [
            "user_id",
            "email",
            "name",
            "status",
            "progress_percentage",
        ]
        assert "module: Intro" in header
        assert "best score: Quiz" in header
        assert "flags captured: Lab" in header
        assert len(rows) == 3
        line = dict(zip(header, rows[1], strict=True))
        assert line["email"] == worker.email
        assert line["name"] == worker.get_full_name()
        assert line["module: Intro"] == "completed"
        assert line["best score: Quiz"] == "100.0"
        assert line["attempts: Quiz"] == "2"
        assert line["flags captured: Lab"] == "1/2"

    def test_csv_cells_cannot_be_formulas(self, api_client, course, admin_user):
        sneaky = UserFactory(first_name="=cmd|' /C calc'!A0", last_name="")
        enrollment_create(actor=sneaky, course_id=course.pk)
        signed_in(api_client, admin_user)
        rows = list(
            csv.reader(
                io.StringIO(api_client.get(url(course, "?format=csv")).content.decode())
            )
        )
        name = rows[1][2]
        assert name.startswith("'=")

    def test_bad_format_is_400(self, api_client, course, instructor):
        signed_in(api_client, instructor)
        response = api_client.get(url(course, "?format=xml"))
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "format"


class TestRosterAccess:
    def test_another_instructor_gets_403(self, api_client, course, graded_course):
        other = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=other)
        signed_in(api_client, other)
        for query in ("", "?format=csv"):
            response = api_client.get(url(course, query))
            assert (response.status_code, code(response)) == (
                403,
                "PERMISSION_DENIED",
            )

    def test_students_and_learners_get_403(self, api_client, course, graded_course):
        signed_in(api_client, graded_course["worker"])
        assert api_client.get(url(course)).status_code == 403
        signed_in(api_client, UserFactory(role=Role.MENTOR))
        assert api_client.get(url(course)).status_code == 403

    def test_someone_elses_draft_and_missing_are_404(
        self, api_client, make_course, student
    ):
        draft = make_course(title="Draft", publish=False)
        other = UserFactory(role=Role.INSTRUCTOR)
        signed_in(api_client, other)
        assert api_client.get(url(draft)).status_code == 404
        assert api_client.get("/api/v1/courses/999999/enrollments").status_code == 404

    def test_demoted_instructor_loses_the_roster(self, api_client, course, instructor):
        signed_in(api_client, instructor)
        assert api_client.get(url(course)).status_code == 200
        instructor.role = Role.STUDENT
        instructor.save()
        signed_in(api_client, instructor)
        assert api_client.get(url(course)).status_code == 403

    def test_anonymous_is_401(self, api_client, course):
        assert api_client.get(url(course)).status_code == 401


class TestRosterQueryCount:
    def test_constant_in_rows(
        self,
        api_client,
        course,
        instructor,
        graded_course,
        django_assert_max_num_queries,
    ):
        signed_in(api_client, instructor)
        with django_assert_max_num_queries(40) as few:
            assert api_client.get(url(course)).status_code == 200
        with django_assert_max_num_queries(40) as few_csv:
            assert api_client.get(url(course, "?format=csv")).status_code == 200
        quiz = graded_course["quiz"]
        modules = list(ModulePage.objects.child_of(course).order_by("path"))
        for _ in range(6):
            learner = UserFactory()
            enrollment_create(actor=learner, course_id=course.pk)
            module_progress_record(
                actor=learner,
                course_id=course.pk,
                module_id=modules[0].pk,
                completed=True,
            )
            attempt_submit(actor=learner, assessment_id=quiz.pk, answers={"q1": 1})
        with django_assert_max_num_queries(len(few.captured_queries)):
            body = api_client.get(url(course)).json()
        assert len(body["data"]) == 8
        with django_assert_max_num_queries(len(few_csv.captured_queries)):
            response = api_client.get(url(course, "?format=csv"))
        assert len(response.content.decode().strip().splitlines()) == 9
