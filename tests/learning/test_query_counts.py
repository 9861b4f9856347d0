"""List and detail endpoints of the learning API keep a constant query count."""

import pytest
from django.utils import timezone

from content.models import ModulePage
from learning.models import Enrollment, EnrollmentStatus
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def completed_certificate(user, course):
    enrollment = enrollment_create(actor=user, course_id=course.pk)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    return certificate_issue(enrollment_id=enrollment.pk)


def queries_for(client, url, django_assert_max_num_queries, limit=20) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


class TestQueryCounts:
    def test_certificate_list_and_detail(
        self, api_client, make_course, student, django_assert_max_num_queries
    ):
        signed_in(api_client, student)
        first = completed_certificate(student, make_course(title="A"))
        url = "/api/v1/users/me/certificates"
        few = queries_for(api_client, url, django_assert_max_num_queries)
        detail = queries_for(
            api_client,
            f"/api/v1/certificates/{first.pk}",
            django_assert_max_num_queries,
        )
        for i in range(5):
            completed_certificate(student, make_course(title=f"B{i}"))
        with django_assert_max_num_queries(few):
            body = api_client.get(url).json()
        assert body["meta"]["pagination"]["total"] == 6
        with django_assert_max_num_queries(detail):
            api_client.get(f"/api/v1/certificates/{first.pk}")

    def test_course_progress_rows_for_the_instructor(
        self, api_client, course, instructor, django_assert_max_num_queries
    ):
        for _ in range(2):
            enrollment_create(actor=UserFactory(), course_id=course.pk)
        signed_in(api_client, instructor)
        url = f"/api/v1/courses/{course.pk}/progress"
        few = queries_for(api_client, url, django_assert_max_num_queries)
        for _ in range(8):
            enrollment_create(actor=UserFactory(), course_id=course.pk)
        with django_assert_max_num_queries(few):
            body = api_client.get(url).json()
        assert body["meta"]["pagination"]["total"] == 10

    def test_learner_progress_detail(
        self, api_client, course, student, django_assert_max_num_queries
    ):
        enrollment_create(actor=student, course_id=course.pk)
        signed_in(api_client, student)
        modules = list(ModulePage.objects.child_of(course).live())
        module_progress_record(
            actor=student, course_id=course.pk, module_id=modules[0].pk, time_spent=5
        )
        url = f"/api/v1/courses/{course.pk}/progress"
        few = queries_for(api_client, url, django_assert_max_num_queries)
        for module in modules[1:]:
            module_progress_record(
                actor=student, course_id=course.pk, module_id=module.pk, time_spent=5
            )
        with django_assert_max_num_queries(few):
            body = api_client.get(url).json()
        assert len(body["data"]["modules"]) == len(modules)
