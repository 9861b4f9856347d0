"""What "an active enrollment" is and the enrollment lock, each owned once by
``learning``."""

import pytest
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError
from django.db.utils import OperationalError

from learning.models import ACTIVE_ENROLLMENT, Enrollment, EnrollmentStatus
from learning.services import enrollment_cancel, enrollment_create, enrollment_lock
from tests.portal.factories import UserFactory


def _enrollments(course):
    """One learner per status in ``course``."""
    by_status = {}
    for status in EnrollmentStatus.values:
        learner = UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course.pk)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=status)
        by_status[status] = Enrollment.objects.get(pk=enrollment.pk)
    return by_status


@pytest.mark.django_db
class TestActiveEnrollments:
    def test_active_keeps_active_and_completed_not_cancelled(self, course):
        by_status = _enrollments(course)
        active = set(Enrollment.objects.active().values_list("pk", flat=True))
        assert active == {
            by_status[EnrollmentStatus.ACTIVE].pk,
            by_status[EnrollmentStatus.COMPLETED].pk,
        }

    def test_condition_queryset_and_row_agree(self, course):
        by_status = _enrollments(course)
        in_aggregate = set(
            Enrollment.objects.filter(ACTIVE_ENROLLMENT).values_list("pk", flat=True)
        )
        on_rows = {e.pk for e in by_status.values() if e.is_active}
        assert (
            in_aggregate
            == on_rows
            == set(Enrollment.objects.active().values_list("pk", flat=True))
        )


@pytest.mark.django_db
class TestEnrollmentLock:
    def test_returns_the_row_whatever_its_status(self, course, student):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        enrollment_cancel(enrollment=enrollment, actor=student)
        with transaction.atomic():
            locked = enrollment_lock(user_id=student.pk, course_id=course.pk)
        assert locked.pk == enrollment.pk
        assert not locked.is_active
        assert locked.course.pk == course.pk

    def test_none_when_never_enrolled(self, course, student):
        with transaction.atomic():
            assert enrollment_lock(user_id=student.pk, course_id=course.pk) is None


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
class TestEnrollmentLockOutsideTransaction:
    def test_refused(self, course, student):
        """On SQLite the lock would silently protect nothing outside a transaction,
        so it refuses on every database."""
        enrollment_create(actor=student, course_id=course.pk)
        with pytest.raises(TransactionManagementError):
            enrollment_lock(user_id=student.pk, course_id=course.pk)


@pytest.mark.postgres  # row locks need PostgreSQL
@pytest.mark.django_db(transaction=True)
class TestEnrollmentLockHolds:
    def test_a_second_transaction_cannot_take_the_row(self, course, student):
        enrollment = enrollment_create(actor=student, course_id=course.pk)
        other = connections.create_connection("default")
        try:
            with transaction.atomic():
                enrollment_lock(user_id=student.pk, course_id=course.pk)
                with other.cursor() as cursor, pytest.raises(OperationalError):
                    cursor.execute(
                        "SELECT id FROM learning_enrollment WHERE id = %s "
                        "FOR UPDATE NOWAIT",
                        [enrollment.pk],
                    )
                # The course page stays free: only the enrollment row is locked.
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT page_ptr_id FROM content_coursepage "
                        "WHERE page_ptr_id = %s FOR UPDATE NOWAIT",
                        [course.pk],
                    )
        finally:
            other.close()
