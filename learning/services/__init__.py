"""Writes on the learner's side: enrollment, progress and completion, mentorship.

Certificates are in ``learning.services.certificates``. Services lock what two
requests could race for (the course row for capacity, the enrollment row for
progress) and enqueue slow work (certificate PDFs) only after commit.

``enrollment`` enrolls, unenrolls and holds ``enrollment_lock`` (the lock order of
every write on a learner's rows in a course), ``progress`` records activity,
completes modules and courses (and takes a completion back), ``mentorship`` pairs
mentors with learners; this package exports the names other packages use.
"""

from .enrollment import (
    PaymentRequired,
    enrollment_cancel,
    enrollment_create,
    enrollment_create_requested,
    enrollment_lock,
    enrollment_refusal_check,
    enrollment_reopen,
)
from .mentorship import mentor_assign, mentor_unassign
from .progress import (
    MAX_POSITION_SECONDS,
    CompletionRevoked,
    module_complete,
    module_completion_revoke,
    module_progress_record,
)

__all__ = [
    "MAX_POSITION_SECONDS",
    "CompletionRevoked",
    "PaymentRequired",
    "enrollment_cancel",
    "enrollment_create",
    "enrollment_create_requested",
    "enrollment_lock",
    "enrollment_refusal_check",
    "enrollment_reopen",
    "mentor_assign",
    "mentor_unassign",
    "module_complete",
    "module_completion_revoke",
    "module_progress_record",
]
