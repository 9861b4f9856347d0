"""Scheduled go-live and expiry run through Wagtail's own scheduler, called by the
periodic Celery task ``content.publish_scheduled``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import CoursePage
from content.services import course_create, course_publish
from content.tasks import publish_scheduled
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

COURSE = {
    "title": "Scheduled course",
    "description": "Goes live later.",
    "category": "Networking",
    "difficulty_level": "beginner",
    "estimated_duration": 30,
    "price": "0",
}


@pytest.fixture
def people():
    instructor = UserFactory(role=Role.INSTRUCTOR)
    admin = UserFactory(role=Role.ADMIN)
    for user in (instructor, admin):
        user_role_privileges_sync(user=user)
    return instructor, admin


class TestScheduledPublishing:
    def test_go_live_waits_for_its_time_then_publishes(self, people):
        instructor, _admin = people
        course = course_create(actor=instructor, data=COURSE)
        revision = course.get_latest_revision()
        revision.approved_go_live_at = timezone.now() + timedelta(hours=1)
        revision.save(update_fields=["approved_go_live_at"])
        publish_scheduled()
        assert not CoursePage.objects.get(pk=course.pk).live

        revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
        revision.save(update_fields=["approved_go_live_at"])
        publish_scheduled()
        assert CoursePage.objects.get(pk=course.pk).live

    def test_expiry_takes_a_course_offline(self, people):
        instructor, admin = people
        course = course_publish(
            actor=admin, course=course_create(actor=instructor, data=COURSE)
        )
        CoursePage.objects.filter(pk=course.pk).update(
            expire_at=timezone.now() - timedelta(minutes=1)
        )
        publish_scheduled()
        expired = CoursePage.objects.get(pk=course.pk)
        assert not expired.live
        assert expired.expired
