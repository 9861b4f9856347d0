"""What an attempt's pass means for its module, in both directions: a pass of a
required assessment completes the module, a withdrawn pass takes that back. What
completing or reopening does (the course percentage, the enrollment's completion,
the certificate) is ``learning``'s rule (``module_complete``,
``module_completion_revoke``); this module only decides which passes count.

Called by submission (``services.attempts``), manual grading and invalidation
(``proctoring.review``); kept apart from them so none imports another.
"""

from __future__ import annotations

from content.models import CompletionRule
from learning.services import (
    CompletionRevoked,
    module_complete,
    module_completion_revoke,
)
from portal.accounts.models import User

from ..grading import CORRECT
from ..models import Assessment, AssessmentType, Attempt, AttemptStatus
from ..questions import FLAG


def _is_flag_lab(assessment: Assessment) -> bool:
    """A lab on a module completed by its flags (``CompletionRule.FLAG``)."""
    return bool(
        assessment.module_id
        and assessment.assessment_type == AssessmentType.LAB
        and assessment.module.completion == CompletionRule.FLAG
    )


def _completes_module(assessment: Assessment) -> bool:
    return _is_flag_lab(assessment) or bool(
        assessment.required_for_completion and assessment.module_id
    )


def flags_all_captured(*, attempt: Attempt) -> bool:
    """Whether ``attempt`` captured every flag of its lab: each flag question of
    the assessment was served in this attempt and graded correct (a lab with no
    flag captures nothing)."""
    flag_ids = [
        question["id"]
        for question in attempt.assessment.questions
        if question.get("type") == FLAG
    ]
    return bool(flag_ids) and all(
        attempt.results.get(qid, {}).get("outcome") == CORRECT for qid in flag_ids
    )


def _attempt_earns_module(attempt: Attempt) -> bool:
    """What an attempt must achieve to complete its module: a flag lab, every
    flag; a required assessment, a pass."""
    if attempt.status in (AttemptStatus.INVALIDATED, AttemptStatus.IN_PROGRESS):
        return False
    if _is_flag_lab(attempt.assessment):
        # Graded in time, like a pass: a late attempt's answers do not count.
        return (
            attempt.status == AttemptStatus.GRADED
            and not attempt.late
            and flags_all_captured(attempt=attempt)
        )
    return bool(attempt.passed)


def attempt_pass_record(*, attempt: Attempt) -> None:
    """The learner's ``attempt`` now passes (already saved as such): complete the
    module of a required assessment, or of a flag lab when the attempt captured
    every flag (and through ``learning`` the course).

    Call inside the caller's transaction, after ``learning.services.enrollment_lock``,
    with ``attempt.assessment`` and ``attempt.user`` loaded.
    """
    assessment = attempt.assessment
    if _completes_module(assessment) and _attempt_earns_module(attempt):
        module_complete(user=attempt.user, module=assessment.module)


def attempt_pass_withdraw(
    *, attempt: Attempt, actor: User, reason: str
) -> CompletionRevoked:
    """The learner's passed ``attempt`` no longer passes (already saved as such):
    take back the completion its pass earned.

    Only for an assessment ``required_for_completion`` with a module, and only when
    the learner holds no other passed attempt at the same assessment (a pass that
    still stands keeps the completion). Call inside the caller's transaction, with
    the learner's enrollment locked before the attempt (``locks.attempt_lock``),
    and with ``attempt.assessment`` and ``attempt.user`` loaded. Returns what was
    undone (``learning.services.module_completion_revoke``).
    """
    assessment = attempt.assessment
    if not _completes_module(assessment):
        return CompletionRevoked()
    others = (
        Attempt.objects.filter(
            assessment_id=assessment.pk, user_id=attempt.user_id, passed=True
        )
        .exclude(pk=attempt.pk)
        .exclude(status=AttemptStatus.INVALIDATED)
        .select_related("assessment__module")
    )
    if any(_attempt_earns_module(other) for other in others):
        return CompletionRevoked()
    return module_completion_revoke(
        user=attempt.user, module=assessment.module, reason=reason, actor=actor
    )
