"""Manual grading: staff grade (or regrade) the essay questions of a submitted
attempt; the score, the pass and the module's completion follow (a regrade below the
passing score takes the completion back)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from content.access import is_course_manager
from learning.services import CompletionRevoked
from portal.accounts.models import User
from portal.accounts.permissions import has_permission
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portal.notifications.services import notify

from .. import grading
from ..models import Attempt, AttemptStatus
from ..questions import ESSAY, is_number
from .completion import attempt_pass_record, attempt_pass_withdraw
from .locks import attempt_lock

MAX_GRADE_FEEDBACK = 5000
GRADABLE_STATUSES = (AttemptStatus.PENDING_REVIEW, AttemptStatus.GRADED)


def _attempt_for_grading(actor: User, attempt_id: int) -> Attempt:
    """The attempt, if the actor manages its course. Staff who grade elsewhere (other
    instructors) get 403; anyone else 404, as an attempt's existence is private."""
    attempt = (
        Attempt.objects.select_related("assessment", "assessment__course", "user")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise NotFound("Attempt not found.")
    if not is_course_manager(user=actor, course=attempt.assessment.course):
        if has_permission(actor, "assessment:grade"):
            raise PermissionDenied(
                "Only the course's instructor or an admin may grade this attempt."
            )
        raise NotFound("Attempt not found.")
    return attempt


def _checked_grades(attempt: Attempt, grades) -> dict[str, dict]:
    """Validate ``grades`` against the attempt's essays; return {qid: {points,
    feedback}} with points as Decimal."""
    if not isinstance(grades, dict):
        raise InvalidInput("Must be an object keyed by question id.", field="grades")
    key = attempt.answer_key
    essays = [q["id"] for q in attempt.questions if key[q["id"]]["type"] == ESSAY]
    checked = {}
    for qid, grade in grades.items():
        field = f"grades.{qid}"[:200]
        if qid not in key:
            raise InvalidInput(
                f"Question {qid!r} was not served in this attempt.", field=field
            )
        if key[qid]["type"] != ESSAY:
            raise InvalidInput("Only essay questions are graded by hand.", field=field)
        if not isinstance(grade, dict):
            raise InvalidInput(
                "Must be an object with points and feedback.", field=field
            )
        unknown = sorted(set(grade) - {"points", "feedback"})
        if unknown:
            raise InvalidInput("Unknown field.", field=f"{field}.{unknown[0]}"[:200])
        points = grade.get("points")
        maximum = grading.question_points(key[qid])
        if not is_number(points) or not 0 <= points <= maximum:
            raise InvalidInput(
                f"Must be a number from 0 to {maximum}.", field=f"{field}.points"
            )
        feedback = grade.get("feedback", "")
        if feedback is None:
            feedback = ""
        if not isinstance(feedback, str) or len(feedback) > MAX_GRADE_FEEDBACK:
            raise InvalidInput(
                f"Must be text of at most {MAX_GRADE_FEEDBACK} characters.",
                field=f"{field}.feedback",
            )
        checked[qid] = {
            "points": grading.exact_decimal(points),
            "feedback": feedback.strip(),
        }
    for qid in essays:
        if qid not in checked:
            raise InvalidInput(
                "Every essay question must be graded.", field=f"grades.{qid}"
            )
    return checked


def attempt_grade_manual(*, actor: User, attempt_id: int, grades: dict) -> Attempt:
    """Grade the essay questions of a submitted attempt by hand, or regrade them.

    ``grades`` is ``{question_id: {"points": number, "feedback": str}}`` covering
    every essay of the attempt (and nothing else); points are 0 to the question's
    points, feedback optional (at most 5000 characters) and shown to the learner.
    The score is recomputed from all results (automatic ones unchanged), ``passed``
    is score >= the assessment's passing score, the attempt becomes ``graded`` with
    ``graded_at``/``graded_by``. A pass of a required assessment completes its module
    (and through ``learning`` the course and certificate). A regrade that turns a
    pass into a fail takes back what the pass earned, as invalidation does
    (``assessments.services.completion``): the module's completion and, if the
    course is then no longer complete, the enrollment's completion and
    certificate, unless the learner has another passed attempt at the assessment.
    Runs in one transaction holding the learner's enrollment and the attempt row;
    writes
    ``assessment.attempt_graded`` to the audit log with the previous outcome (and
    what a withdrawn pass undid).

    Errors: 404 unknown attempt or an actor who does not grade; 403 an instructor of
    another course; 400 invalid grades (``field`` ``grades.<qid>[.points]``);
    409 ``CONFLICT`` for attempts in progress, late, invalidated or without essays.
    """
    attempt = _attempt_for_grading(actor, attempt_id)
    assessment = attempt.assessment
    learner = attempt.user
    with transaction.atomic():
        attempt = attempt_lock(attempt=attempt)
        if attempt.status not in GRADABLE_STATUSES:
            raise Conflict("Only submitted attempts awaiting review can be graded.")
        if attempt.late:
            raise Conflict("A late attempt does not count and cannot be graded.")
        checked = _checked_grades(attempt, grades)
        if not checked:
            raise Conflict("This attempt has no essay questions to grade.")
        previous = {
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
        }
        results = {qid: dict(result) for qid, result in attempt.results.items()}
        for qid, grade in checked.items():
            results[qid] = grading.essay_result(
                attempt.answer_key[qid],
                points=grade["points"],
                feedback=grade["feedback"],
            )
        revoked = CompletionRevoked()
        now = timezone.now()
        attempt.results = results
        attempt.score = grading.attempt_score(
            answer_key=attempt.answer_key,
            order=[question["id"] for question in attempt.questions],
            results=results,
        )
        attempt.passed = grading.score_passes(
            score=attempt.score, passing_score=assessment.passing_score
        )
        attempt.status = AttemptStatus.GRADED
        attempt.graded_at = now
        attempt.graded_by = actor
        attempt.save(
            update_fields=[
                "results",
                "score",
                "passed",
                "status",
                "graded_at",
                "graded_by",
            ]
        )
        if attempt.passed:
            attempt_pass_record(attempt=attempt)
        elif previous["passed"] is True:
            revoked = attempt_pass_withdraw(
                attempt=attempt,
                actor=actor,
                reason=f"Attempt #{attempt.attempt_number} at "
                f"\u201c{assessment.title}\u201d was regraded below the passing "
                "score.",
            )
        audit_log_record(
            action="assessment.attempt_graded",
            user=actor,
            resource_type="attempt",
            resource_id=attempt.pk,
            details={
                "assessment_id": assessment.pk,
                "learner_id": learner.pk,
                "regrade": previous["status"] == AttemptStatus.GRADED,
                "previous": previous,
                "score": attempt.score,
                "passed": attempt.passed,
                "points": {qid: g["points"] for qid, g in checked.items()},
                "completion_revoked": revoked.module_revoked,
                "certificate_revoked": revoked.certificate_revoked,
            },
        )
        _notify_graded(attempt, checked)
    return attempt


def _notify_graded(attempt: Attempt, checked: dict[str, dict]) -> None:
    """Tell the learner their hand-graded attempt has a result
    (``assessments.attempt_graded``), once per grading (a regrade tells again)."""
    feedback = "\n".join(
        grade["feedback"] for grade in checked.values() if grade.get("feedback")
    )
    notify(
        user=attempt.user,
        event="assessments.attempt_graded",
        payload={
            "attempt_id": attempt.pk,
            "assessment_title": attempt.assessment.title,
            "score": float(attempt.score),
            "passed": bool(attempt.passed),
            "feedback": feedback[:5000],
            "url": reverse("assessment-attempt-result", args=[attempt.pk]),
        },
        key=f"attempt_graded:{attempt.pk}:{attempt.graded_at.isoformat()}",
    )
