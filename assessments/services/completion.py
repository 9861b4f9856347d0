"""What an attempt's pass means for its module, in both directions: a pass of a
required assessment completes the module, a withdrawn pass takes that back. What
completing or reopening does (the course percentage, the enrollment's completion,
the certificate) is ``learning``'s rule (``module_complete``,
``module_completion_revoke``); this module only decides which passes count.

Called by submission (``services.attempts``), manual grading and invalidation
(``proctoring.review``); kept apart from them so none imports another.
"""

from __future__ import annotations

from learning.services import (
    CompletionRevoked,
    module_complete,
    module_completion_revoke,
)
from portal.accounts.models import User

from ..models import Assessment, Attempt


def _completes_module(assessment: Assessment) -> bool:
    return bool(assessment.required_for_completion and assessment.module_id)


def attempt_pass_record(*, attempt: Attempt) -> None:
    """The learner's ``attempt`` now passes (already saved as such): complete the
    module of a required assessment (and through ``learning`` the course).

    Call inside the caller's transaction, after ``learning.services.enrollment_lock``,
    with ``attempt.assessment`` and ``attempt.user`` loaded.
    """
    assessment = attempt.assessment
    if attempt.passed and _completes_module(assessment):
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
    still_passed = (
        Attempt.objects.filter(
            assessment_id=assessment.pk, user_id=attempt.user_id, passed=True
        )
        .exclude(pk=attempt.pk)
        .exists()
    )
    if still_passed:
        return CompletionRevoked()
    return module_completion_revoke(
        user=attempt.user, module=assessment.module, reason=reason, actor=actor
    )
