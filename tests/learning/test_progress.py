"""Progress, completion and certificate issue."""

import pytest
from rest_framework.test import APIClient

from content.models import ModulePage
from learning.models import Certificate, Enrollment, LearningSession, ModuleProgress
from learning.services import enrollment_create
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def modules(course):
    return list(ModulePage.objects.child_of(course).live().order_by("path"))


def post_progress(client, course, module, **body):
    return client.post(
        f"/api/v1/courses/{course.pk}/modules/{module.pk}/progress", body, format="json"
    )


@pytest.fixture
def learner_client(course, student):
    enrollment_create(actor=student, course_id=course.pk)
    client = APIClient()
    signed_in(client, student)
    return client


class TestRecordProgress:
    def test_time_and_position_accumulate(self, learner_client, course, student):
        first = modules(course)[0]
        post_progress(learner_client, course, first, time_spent=30, last_position=12)
        response = post_progress(
            learner_client, course, first, time_spent=45, last_position=80
        )
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["module"]["time_spent"] == 75
        assert data["module"]["last_position"] == 80
        assert data["module"]["completed"] is False
        enrollment = Enrollment.objects.get(user=student, course=course)
        assert enrollment.last_accessed is not None
        assert enrollment.last_module_id == first.pk
        session = LearningSession.objects.get(user=student, course=course)
        assert session.time_spent == 75
        assert session.interactions == 2

    @pytest.mark.parametrize(
        "body",
        [
            {"time_spent": -1},
            {"time_spent": "lots"},
            {"time_spent": 10**9},
            {"last_position": -5},
            {"last_position": 1.5e12},
            {"completed": "maybe"},
            {"time_spent": None},
        ],
    )
    def test_bad_values_are_400(self, learner_client, course, student, body):
        response = post_progress(learner_client, course, modules(course)[0], **body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] in body
        assert not ModuleProgress.objects.filter(user=student).exists()

    def test_not_enrolled_is_403(self, api_client, course):
        signed_in(api_client, UserFactory())
        response = post_progress(api_client, course, modules(course)[0], time_spent=5)
        assert response.status_code == 403

    def test_module_of_another_course_is_404(self, learner_client, course, make_course):
        other = make_course(title="Other")
        response = post_progress(
            learner_client, course, modules(other)[0], completed=True
        )
        assert response.status_code == 404

    def test_unknown_module_is_404(self, learner_client, course):
        response = learner_client.post(
            f"/api/v1/courses/{course.pk}/modules/999999/progress", {}, format="json"
        )
        assert response.status_code == 404


class TestCompletion:
    def test_mandatory_modules_complete_the_course_once(
        self, learner_client, course, student, django_capture_on_commit_callbacks
    ):
        intro, firewalls, optional = modules(course)
        assert not optional.is_mandatory
        data = post_progress(learner_client, course, intro, completed=True).json()[
            "data"
        ]
        assert data["progress_percentage"] == 50.0
        assert data["course_completed"] is False
        with django_capture_on_commit_callbacks(execute=True):
            data = post_progress(
                learner_client, course, firewalls, completed=True
            ).json()["data"]
        assert data["progress_percentage"] == 100.0
        assert data["course_completed"] is True
        enrollment = Enrollment.objects.get(user=student, course=course)
        assert enrollment.status == "completed"
        assert enrollment.completed_at is not None
        certificate = Certificate.objects.get(enrollment=enrollment)
        assert certificate.pdf.name.endswith(".pdf")
        with django_capture_on_commit_callbacks(execute=True):
            post_progress(learner_client, course, firewalls, completed=True)
            post_progress(learner_client, course, optional, completed=True)
        assert Certificate.objects.filter(user=student).count() == 1
        assert AuditLog.objects.filter(action="enrollment.completed").count() == 1
        assert AuditLog.objects.filter(action="certificate.issued").count() == 1

    def test_percentage_ignores_removed_modules(
        self, learner_client, course, student, admin_user
    ):
        intro, firewalls, _ = modules(course)
        post_progress(learner_client, course, intro, completed=True)
        firewalls.unpublish(user=admin_user)
        data = post_progress(learner_client, course, intro, time_spent=1).json()["data"]
        assert data["progress_percentage"] == 100.0

    def test_course_progress_for_the_learner(self, learner_client, course):
        intro = modules(course)[0]
        post_progress(learner_client, course, intro, completed=True, time_spent=60)
        data = learner_client.get(f"/api/v1/courses/{course.pk}/progress").json()[
            "data"
        ]
        assert data["progress_percentage"] == 50.0
        assert data["completed_module_ids"] == [intro.pk]
        assert data["last_module_id"] == intro.pk

    def test_instructor_sees_per_learner_rows(
        self, api_client, course, instructor, student
    ):
        enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, instructor)
        body = api_client.get(f"/api/v1/courses/{course.pk}/progress").json()
        assert body["meta"]["pagination"]["total"] == 1
        assert body["data"][0]["learner"]["id"] == student.pk

    def test_another_instructor_does_not(self, api_client, course):
        from portal.accounts.models import Role

        signed_in(api_client, UserFactory(role=Role.INSTRUCTOR))
        assert (
            api_client.get(f"/api/v1/courses/{course.pk}/progress").status_code == 403
        )


class TestModuleListState:
    def test_enrolled_learner_sees_completion_in_the_module_list(
        self, learner_client, course
    ):
        intro = modules(course)[0]
        post_progress(learner_client, course, intro, completed=True, time_spent=30)
        rows = learner_client.get(f"/api/v1/courses/{course.pk}/modules").json()["data"]
        by_id = {row["id"]: row for row in rows}
        assert by_id[intro.pk]["completed"] is True
        assert by_id[intro.pk]["time_spent"] == 30
        assert all(row["completed"] is False for row in rows if row["id"] != intro.pk)

    def test_others_see_titles_only(self, course):
        rows = APIClient().get(f"/api/v1/courses/{course.pk}/modules").json()["data"]
        assert rows
        assert all("completed" not in row for row in rows)
