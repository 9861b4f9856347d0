"""A hand-graded attempt tells its learner (assessments.attempt_graded), once per
grading."""

import pytest
from django.conf import settings
from django.core import mail

from assessments.services import attempt_grade_manual, attempt_submit
from portal.errors import InvalidInput
from portal.notifications.models import Notification

from .test_grading_manual import ANSWERS, ESSAYS

pytestmark = pytest.mark.django_db


def test_graded_essay_is_mailed_to_the_learner(
    make_assessment, learner, instructor, django_capture_on_commit_callbacks
):
    learner.first_name = "Lin"
    learner.save()
    assessment = make_assessment(
        questions=ESSAYS, passing_score=60, title="Web attacks essay"
    )
    attempt = attempt_submit(
        actor=learner, assessment_id=assessment.pk, answers=ANSWERS
    )
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        attempt_grade_manual(
            actor=instructor,
            attempt_id=attempt.pk,
            grades={
                "e1": {"points": 4, "feedback": "Clear and correct."},
                "e2": {"points": 5},
            },
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert message.subject == "Your Web attacks essay was graded"
    assert "Hello Lin" in message.body
    assert "was graded: 100.0% (passed)" in message.body
    assert "Clear and correct." in message.body
    assert (
        f"{settings.WAGTAILADMIN_BASE_URL}/assessments/attempts/{attempt.pk}/"
        in message.body
    )
    # Optional for the learner: an unsubscribe link comes with it.
    assert "Unsubscribe:" in message.body

    # A regrade is news too; a failing one says so.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        attempt_grade_manual(
            actor=instructor,
            attempt_id=attempt.pk,
            grades={"e1": {"points": 0}, "e2": {"points": 0}},
        )
    assert len(mail.outbox) == 1
    assert "(not passed)" in mail.outbox[0].body
    assert Notification.objects.filter(event="assessments.attempt_graded").count() == 2


def test_a_refused_grading_sends_nothing(
    make_assessment, learner, instructor, django_capture_on_commit_callbacks
):
    assessment = make_assessment(questions=ESSAYS, passing_score=60)
    attempt = attempt_submit(
        actor=learner, assessment_id=assessment.pk, answers=ANSWERS
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        attempt_grade_manual(
            actor=instructor, attempt_id=attempt.pk, grades={"e1": {"points": 99}}
        )
    assert not mail.outbox
