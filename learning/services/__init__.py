"""Writes on the learner's side: enrollment, progress and completion, mentorship.

Certificates are in ``learning.certificates``. Services lock what two requests could
race for (the course row for capacity, the enrollment row for progress) and enqueue
slow work (certificate PDFs) only after commit.

``enrollment`` enrolls and unenrolls, ``progress`` records activity, completes
modules and courses (and takes a completion back), ``mentorship`` pairs mentors with
learners; this package exports their public names, so ``learning.services.<name>``
keeps working for every caller.
"""

from .enrollment import (
    PaymentRequired,
    enrollment_cancel,
    enrollment_create,
    enrollment_lock,
)
from .mentorship import mentor_assign, mentor_unassign
from .progress import (
    HUNDRED,
    MAX_POSITION_SECONDS,
    MAX_SECONDS_PER_UPDATE,
    SESSION_IDLE,
    CompletionGuard,
    CompletionRevoked,
    ProgressResult,
    completion_guards,
    course_requirement_ids,
    module_complete,
    module_completion_revoke,
    module_progress_record,
)

__all__ = [
    "HUNDRED",
    "MAX_POSITION_SECONDS",
    "MAX_SECONDS_PER_UPDATE",
    "SESSION_IDLE",
    "CompletionGuard",
    "CompletionRevoked",
    "PaymentRequired",
    "ProgressResult",
    "completion_guards",
    "course_requirement_ids",
    "enrollment_cancel",
    "enrollment_create",
    "enrollment_lock",
    "mentor_assign",
    "mentor_unassign",
    "module_complete",
    "module_completion_revoke",
    "module_progress_record",
]
