from datetime import timedelta

import pytest
from django.utils import timezone

from learning.mentorship import services
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.learning.conftest import admin_user, instructor, make_course  # noqa: F401
from tests.portal.factories import UserFactory


@pytest.fixture
def mentor(db):
    return UserFactory(role=Role.MENTOR, first_name="Morgan", last_name="Mentor")


@pytest.fixture
def other_mentor(db):
    return UserFactory(role=Role.MENTOR, first_name="Olive", last_name="Other")


@pytest.fixture
def mentee(db):
    return UserFactory(first_name="Sam", last_name="Student")


@pytest.fixture
def stranger(db):
    return UserFactory(first_name="Sid", last_name="Stranger")


@pytest.fixture
def admin(db):
    user = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def assignment(mentor, mentee, admin):
    return services.mentorship_create(
        actor=admin, mentor_id=mentor.pk, mentee_id=mentee.pk
    )


def soon(hours: float = 48) -> timezone.datetime:
    return (timezone.now() + timedelta(hours=hours)).replace(microsecond=0)


@pytest.fixture
def make_slot(mentor):
    def make(hours: float = 48, minutes: int = 60, who=None, **kw):
        start = soon(hours)
        return services.slot_create(
            actor=who or mentor,
            start=start,
            end=start + timedelta(minutes=minutes),
            **kw,
        )[0]

    return make


@pytest.fixture
def booked(assignment, make_slot, mentee, django_capture_on_commit_callbacks):
    slot = make_slot()
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_book(
            actor=mentee, slot_id=slot.pk, topic="Career change"
        )
    return session
