"""The learner's e-mails: enrollment confirmed, certificate issued, certificate
revoked. Each is sent through the real services and its content asserted."""

import pytest
from django.conf import settings
from django.core import mail

from learning.models import Certificate, ModuleProgress
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_revoke
from portal.notifications.services import preference_set
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return UserFactory(
        email="grace@example.org", first_name="Grace", last_name="Hopper"
    )


def complete_course(user, course):
    for module in course.get_children().live().specific().order_by("path"):
        if module.is_mandatory:
            module_progress_record(
                actor=user, course_id=course.pk, module_id=module.pk, completed=True
            )


class TestEnrollmentConfirmed:
    def test_enrolling_sends_a_confirmation(
        self, course, learner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=learner, course_id=course.pk)
        [message] = mail.outbox
        assert message.to == ["grace@example.org"]
        assert message.subject == f"You are enrolled in {course.title}"
        assert "Hello Grace" in message.body
        assert f"{settings.WAGTAILADMIN_BASE_URL}{course.url}" in message.body
        assert "Unsubscribe: " in message.body

    def test_a_learner_who_turned_it_off_gets_nothing(
        self, course, learner, django_capture_on_commit_callbacks
    ):
        preference_set(
            user=learner, event="learning.enrollment_confirmed", enabled=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=learner, course_id=course.pk)
        assert mail.outbox == []

    def test_an_admin_enrolling_someone_tells_the_learner(
        self, course, learner, admin_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=admin_user, user=learner, course_id=course.pk)
        assert [m.to for m in mail.outbox] == [["grace@example.org"]]


class TestCertificateMails:
    def test_issued_then_revoked(
        self, course, learner, admin_user, django_capture_on_commit_callbacks
    ):
        enrollment_create(actor=learner, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(learner, course)
        certificate = Certificate.objects.get(user=learner)
        issued = [m for m in mail.outbox if "Your certificate for" in m.subject]
        assert len(issued) == 1
        body = issued[0].body
        assert issued[0].subject == f"Your certificate for {course.title}"
        assert "Congratulations Grace" in body
        assert certificate.number in body
        assert (
            f"{settings.WAGTAILADMIN_BASE_URL}/learn/certificates/{certificate.pk}/"
            in body
        )
        assert f"/certificates/verify/{certificate.number}/" in body

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            certificate_revoke(
                certificate=certificate, actor=admin_user, reason="Exam invalidated."
            )
            # Revoking again sends nothing more.
            certificate_revoke(
                certificate=certificate, actor=admin_user, reason="Again."
            )
        [message] = mail.outbox
        assert message.to == ["grace@example.org"]
        assert message.subject == f"Your certificate {certificate.number} was revoked"
        assert "Reason: Exam invalidated." in message.body
        # Revocation is not optional: no unsubscribe link.
        assert "Unsubscribe" not in message.body

    def test_only_the_holder_is_told(
        self, course, learner, django_capture_on_commit_callbacks
    ):
        other = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        enrollment_create(actor=other, course_id=course.pk)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(learner, course)
        assert [m.to for m in mail.outbox] == [["grace@example.org"]]
        assert not ModuleProgress.objects.filter(user=other).exists()
