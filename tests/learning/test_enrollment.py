"""POST /courses/{id}/enroll and the enrollment rules."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from content.services import course_archive
from learning.models import Enrollment, EnrollmentSource, EnrollmentStatus
from learning.services import enrollment_cancel, enrollment_create
from portal.audit.models import AuditLog
from portal.errors import DomainError
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def enroll(client, course):
    return client.post(f"/api/v1/courses/{course.pk}/enroll")


def code(response) -> str:
    return response.json()["errors"][0]["code"]


class TestEnroll:
    def test_enroll_then_already_enrolled(self, api_client, course, student):
        signed_in(api_client, student)
        response = enroll(api_client, course)
        assert response.status_code == 201
        data = response.json()["data"]
        assert data["course"]["id"] == course.pk
        assert data["status"] == "active"
        assert data["progress_percentage"] == 0
        again = enroll(api_client, course)
        assert again.status_code == 409
        assert code(again) == "ALREADY_ENROLLED"
        assert Enrollment.objects.filter(user=student, course=course).count() == 1
        assert AuditLog.objects.filter(action="enrollment.created").count() == 1

    def test_anonymous_is_401(self, course):
        assert enroll(APIClient(), course).status_code == 401

    def test_draft_and_archived_and_missing_are_404(
        self, api_client, make_course, instructor, student
    ):
        draft = make_course(title="Draft", publish=False)
        archived = make_course(title="Old")
        course_archive(actor=instructor, course=archived)
        signed_in(api_client, student)
        for target in (draft, archived):
            response = enroll(api_client, target)
            assert response.status_code == 404
            assert code(response) == "NOT_FOUND"
        assert api_client.post("/api/v1/courses/999999/enroll").status_code == 404

    def test_paid_course_needs_payment(self, api_client, make_course, student):
        paid = make_course(title="Paid", price="49.00")
        signed_in(api_client, student)
        response = enroll(api_client, paid)
        assert response.status_code == 402
        assert code(response) == "PAYMENT_REQUIRED"
        assert enrollment_create(
            actor=student, course_id=paid.pk, source=EnrollmentSource.PAYMENT
        )

    def test_full_course(self, api_client, make_course):
        small = make_course(title="Small", capacity=1)
        signed_in(APIClient(), first := UserFactory())
        enrollment_create(actor=first, course_id=small.pk)
        signed_in(api_client, UserFactory())
        response = enroll(api_client, small)
        assert response.status_code == 409
        assert code(response) == "COURSE_FULL"

    def test_cancelled_seats_free_up(self, make_course):
        small = make_course(title="Small", capacity=1)
        first = UserFactory()
        enrollment = enrollment_create(actor=first, course_id=small.pk)
        enrollment_cancel(enrollment=enrollment, actor=first)
        assert enrollment_create(actor=UserFactory(), course_id=small.pk)

    def test_prerequisites(self, api_client, make_course, student, admin_user):
        basics = make_course(title="Basics")
        advanced = make_course(title="Advanced")
        advanced.prerequisites = [basics]
        advanced.save()
        signed_in(api_client, student)
        response = enroll(api_client, advanced)
        assert response.status_code == 409
        assert code(response) == "PREREQUISITES_NOT_MET"
        assert "Basics" in response.json()["errors"][0]["message"]
        # An admin may enroll a learner anyway.
        enrollment_create(
            user=student,
            course_id=advanced.pk,
            source=EnrollmentSource.ADMIN,
            actor=admin_user,
        )

    def test_only_admins_enroll_others(self, course, student):
        with pytest.raises(DomainError):
            enrollment_create(
                user=student,
                course_id=course.pk,
                source=EnrollmentSource.ADMIN,
                actor=student,
            )


class TestUnenroll:
    def test_unenroll_keeps_history_and_reenrolling_reuses_the_row(
        self, api_client, course, student
    ):
        signed_in(api_client, student)
        first = enroll(api_client, course).json()["data"]
        left = api_client.delete(f"/api/v1/courses/{course.pk}/enroll")
        assert left.status_code == 200
        assert left.json()["data"]["status"] == "cancelled"
        back = enroll(api_client, course)
        assert back.status_code == 201
        assert back.json()["data"]["id"] == first["id"]
        assert Enrollment.objects.get(pk=first["id"]).status == EnrollmentStatus.ACTIVE

    def test_unenroll_when_not_enrolled(self, api_client, course, student):
        signed_in(api_client, student)
        assert (
            api_client.delete(f"/api/v1/courses/{course.pk}/enroll").status_code == 403
        )


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRace:
    def test_many_learners_race_for_the_last_seat(self, make_course):
        course = make_course(title="Last seat", capacity=3)
        for _ in range(2):
            enrollment_create(actor=UserFactory(), course_id=course.pk)
        learners = [UserFactory() for _ in range(6)]
        barrier = threading.Barrier(len(learners))
        results: list[int] = []
        lock = threading.Lock()

        def attempt(learner):
            try:
                client = APIClient()
                signed_in(client, learner)
                barrier.wait(timeout=10)
                status = enroll(client, course).status_code
                with lock:
                    results.append(status)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt, args=(u,)) for u in learners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == [201, 409, 409, 409, 409, 409]
        assert Enrollment.objects.filter(course=course).count() == 3
