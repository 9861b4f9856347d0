"""What a withdrawn pass undoes: the module completion (and through ``learning`` the
course completion and certificate) that a required assessment's pass earned.

Called by invalidation (``proctoring.review``) and by a regrade below the passing
score (``services.manual_grading``); kept apart from both so neither imports the
other.
"""

from __future__ import annotations

from learning.services import CompletionRevoked, module_completion_revoke
from portal.accounts.models import User

from .models import Attempt


def attempt_pass_withdraw(
    *, attempt: Attempt, actor: User, reason: str
) -> CompletionRevoked:
    """The learner's passed ``attempt`` no longer passes (already saved as such):
    take back the completion its pass earned.

    Only for an assessment ``required_for_completion`` with a module, and only when
    the learner holds no other passed attempt at the same assessment (a pass that
    still stands keeps the completion). Call inside the caller's transaction, with
    the learner's enrollment locked before the attempt (the services' lock order),
    and with ``attempt.assessment`` and ``attempt.user`` loaded. Returns what was
    undone (``learning.services.module_completion_revoke``).
    """
    assessment = attempt.assessment
    if not (assessment.required_for_completion and assessment.module_id):
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
