"""A moderator's approval or rejection of a course review, in the Wagtail editor or
through the API, is audited and e-mailed to the course's instructor."""

import pytest
from django.conf import settings
from django.core import mail

from content.services import course_create, course_publish, course_submit
from portal.audit.models import AuditLog
from portal.notifications.models import Notification
from tests.learning import conftest as learning_fixtures
from tests.portal.auth_helpers import signed_in

pytestmark = pytest.mark.django_db

admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor


@pytest.fixture
def in_review(instructor):
    instructor.first_name = "Ines"
    instructor.save()
    course = course_create(
        actor=instructor,
        data={
            "title": "Incident Response",
            "description": "Respond.",
            "category": "Defense",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
        },
    )
    return course_submit(actor=instructor, course=course)


def test_approval_in_the_api_is_audited_and_mailed(
    in_review,
    admin_user,
    api_client,
    django_capture_on_commit_callbacks,
):
    signed_in(api_client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/courses/{in_review.pk}/publish")
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="course.approved")
    assert (entry.actor_id, entry.resource_id) == (admin_user.pk, str(in_review.pk))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [in_review.instructor.email]
    assert message.subject == '"Incident Response" was approved'
    assert "Hello Ines" in message.body
    assert "It is published." in message.body


def test_rejection_in_the_editor_is_audited_and_mailed(
    in_review,
    admin_user,
    client,
    django_capture_on_commit_callbacks,
):
    client.force_login(admin_user)
    task_state = in_review.current_workflow_task_state
    url = f"/cms/pages/workflow/action/{in_review.pk}/reject/{task_state.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "Add a lab to module 2."})
    assert response.status_code in (200, 302), response.content[:500]
    entry = AuditLog.objects.get(action="course.rejected")
    assert entry.actor_id == admin_user.pk
    assert entry.details == {"comment": "Add a lab to module 2."}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == '"Incident Response" needs changes'
    assert "Comment: Add a lab to module 2." in message.body
    assert (
        f"{settings.WAGTAILADMIN_BASE_URL}/cms/pages/{in_review.pk}/edit/"
        in message.body
    )
    assert Notification.objects.get().event == "content.course_rejected"


def test_approval_in_the_editor(
    in_review,
    admin_user,
    client,
    django_capture_on_commit_callbacks,
):
    client.force_login(admin_user)
    task_state = in_review.current_workflow_task_state
    url = f"/cms/pages/workflow/action/{in_review.pk}/approve/{task_state.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)
    assert AuditLog.objects.filter(action="course.approved").count() == 1
    assert [m.subject for m in mail.outbox] == ['"Incident Response" was approved']


def test_publishing_without_review_sends_nothing(
    instructor,
    admin_user,
    django_capture_on_commit_callbacks,
):
    course = course_create(
        actor=instructor,
        data={
            "title": "Direct",
            "description": "x",
            "category": "x",
            "difficulty_level": "beginner",
            "estimated_duration": 1,
            "price": "0",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        course_publish(actor=admin_user, course=course)
    assert not AuditLog.objects.filter(action="course.approved").exists()
    assert not mail.outbox
