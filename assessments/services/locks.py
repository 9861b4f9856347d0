"""The lock order of a write on a learner's attempt: the learner's enrollment in the
course first (``learning.services.enrollment_lock``, the order every learner-side
write follows), then the attempt row."""

from __future__ import annotations

from learning.services import enrollment_lock

from ..models import Attempt


def attempt_lock(*, attempt: Attempt) -> Attempt:
    """Lock the learner's enrollment, then ``attempt``'s row, and return the locked
    attempt with ``attempt``'s assessment and learner attached.

    For staff writes on a learner's attempt (grading, invalidation, a session reset):
    taking the locks in the learner's order means they never deadlock with the
    learner's own requests. Call inside the caller's transaction, with
    ``attempt.assessment`` loaded.
    """
    enrollment_lock(user_id=attempt.user_id, course_id=attempt.assessment.course_id)
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    locked.assessment = attempt.assessment
    locked.user = attempt.user
    return locked
