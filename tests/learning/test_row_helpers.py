"""``portal.queries``: the row helpers the hot writes use instead of the ORM's
query building."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from learning.models import Enrollment, EnrollmentStatus
from learning.services import enrollment_create
from portal.queries import from_db, locked_row
from tests.portal.factories import UserFactory


@pytest.fixture
def enrollment(db, make_course):
    course = make_course(title="Locks")
    return enrollment_create(actor=UserFactory(), course_id=course.pk)


@pytest.mark.django_db
def test_locked_row_reads_the_row_as_the_orm_does(enrollment):
    with transaction.atomic():
        row = locked_row(
            Enrollment, user_id=enrollment.user_id, course_id=enrollment.course_id
        )
        assert row == enrollment
        assert row.enrolled_at == Enrollment.objects.get(pk=row.pk).enrolled_at
        assert row.status == EnrollmentStatus.ACTIVE
        assert row._state.adding is False  # saved like any loaded row
        assert row._state.db == connection.alias  # the lock's connection, never
        # a replica's (a raw read is otherwise routed as a read)
        row.status = EnrollmentStatus.CANCELLED
        row.save(update_fields=["status"])
        assert locked_row(Enrollment, user_id=enrollment.user_id, course_id=-1) is None
    assert Enrollment.objects.get(pk=row.pk).status == EnrollmentStatus.CANCELLED


@pytest.mark.django_db
def test_locked_row_converts_every_column_as_the_orm_does(enrollment):
    """Decimals, datetimes and the rest come back as the ORM's own read gives them
    (on SQLite a raw cursor returns strings and floats: the converters apply)."""
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percentage="33.33")
    orm = Enrollment.objects.get(pk=enrollment.pk)
    with transaction.atomic():
        row = locked_row(Enrollment, id=enrollment.pk)
    for field in Enrollment._meta.concrete_fields:
        ours, theirs = getattr(row, field.attname), getattr(orm, field.attname)
        assert ours == theirs, field.name
        assert type(ours) is type(theirs), field.name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locked_row_holds_the_row_until_the_transaction_ends(enrollment):
    """A second transaction asking for the same row waits for the first (here: it
    gives up after its lock timeout); once the first ends it gets the row."""
    outcome = {}

    def second():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                try:
                    locked_row(
                        Enrollment,
                        user_id=enrollment.user_id,
                        course_id=enrollment.course_id,
                    )
                    outcome["got"] = True
                except OperationalError as error:
                    outcome["error"] = str(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        assert locked_row(
            Enrollment, user_id=enrollment.user_id, course_id=enrollment.course_id
        )
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=10)
    assert "lock timeout" in outcome.get("error", "")
    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=10)
    assert outcome.get("got") is True


@pytest.mark.django_db
def test_from_db_converts_like_the_orm(enrollment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT enrolled_at FROM learning_enrollment WHERE id = %s",
            [enrollment.pk],
        )
        raw = cursor.fetchone()[0]
    assert from_db(Enrollment, "enrolled_at", raw) == enrollment.enrolled_at
