"""Hot answers built without their serializers: GET /api/v1/users/{id}/courses and
a module progress report must give exactly what ``EnrollmentOutput`` and
``ProgressOutput`` give for the same rows, with every optional field set and
unset."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from content.models import ModulePage
from learning.api.views import EnrollmentOutput, ProgressOutput, progress_output
from learning.models import Enrollment, EnrollmentStatus
from learning.services import enrollment_create, module_progress_record
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rows_are_the_serializers(api_client, make_course, student):
    first = make_course(title="Packet analysis")
    second = make_course(title="Incident response")
    plain = enrollment_create(actor=student, course_id=first.pk)
    full = enrollment_create(actor=student, course_id=second.pk)
    now = timezone.now().replace(microsecond=123456)
    Enrollment.objects.filter(pk=full.pk).update(
        status=EnrollmentStatus.COMPLETED,
        completed_at=now,
        cancelled_at=now - timedelta(days=1),
        last_accessed=now - timedelta(hours=2),
        last_module_id=ModulePage.objects.child_of(second).first().pk,
        progress_percentage=Decimal("33.33"),
        enrolled_at=now - timedelta(days=3),
    )
    signed_in(api_client, student)
    response = api_client.get("/api/v1/users/me/courses")
    assert response.status_code == 200
    rows = response.json()["data"]

    expected = [
        EnrollmentOutput(
            Enrollment.objects.select_related("course").get(pk=pk),
            context={"request": response.wsgi_request},
        ).data
        for pk in (plain.pk, full.pk)  # newest enrollment first
    ]
    assert rows == [dict(row) for row in expected]
    assert rows[1]["course"]["url"].endswith("/incident-response/")
    assert rows[1]["progress_percentage"] == 33.33
    assert rows[0]["completed_at"] is None
    assert rows[0]["last_module_id"] is None


def test_another_learners_list_is_not_shown(api_client, make_course, student):
    enrollment_create(actor=student, course_id=make_course().pk)
    stranger = UserFactory()
    signed_in(api_client, stranger)
    assert api_client.get("/api/v1/users/me/courses").json()["data"] == []
    assert api_client.get(f"/api/v1/users/{student.pk}/courses").status_code == 404


@pytest.mark.parametrize("completed", [False, True])
def test_progress_answer_is_the_serializers(make_course, student, completed):
    course = make_course(title="Forensics")
    enrollment_create(actor=student, course_id=course.pk)
    module = ModulePage.objects.child_of(course).first()
    result = module_progress_record(
        actor=student,
        course_id=course.pk,
        module_id=module.pk,
        time_spent=30,
        last_position=12,
        **({"completed": True} if completed else {}),
    )
    expected = ProgressOutput(
        {
            "module": result.progress,
            "progress_percentage": result.enrollment.progress_percentage,
            "enrollment_status": result.enrollment.status,
            "course_completed": result.enrollment.status == EnrollmentStatus.COMPLETED,
            "last_accessed": result.enrollment.last_accessed,
        }
    ).data
    assert progress_output(result) == expected
    assert progress_output(result)["module"]["completed"] is completed
