import pytest

from content.services import course_create, course_publish, module_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory


@pytest.fixture
def admin_user(db):
    admin = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=admin)
    return admin


@pytest.fixture
def instructor(db):
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def make_course(db, instructor, admin_user):
    """Create and publish a course with modules through the real services."""

    def make(
        title="Network Defense",
        modules=(("Intro", True), ("Firewalls", True), ("Extra reading", False)),
        publish=True,
        **fields,
    ):
        data = {
            "title": title,
            "description": "Defend networks.",
            "category": "Networking",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
            **fields,
        }
        course = course_create(actor=instructor, data=data)
        for name, mandatory in modules:
            module_create(
                actor=instructor,
                course=course,
                data={
                    "title": name,
                    "kind": "text",
                    "duration": 10,
                    "is_mandatory": mandatory,
                },
            )
        if publish:
            course = course_publish(actor=admin_user, course=course)
        return course

    return make


@pytest.fixture
def course(make_course):
    return make_course()


@pytest.fixture
def student(db):
    return UserFactory()
