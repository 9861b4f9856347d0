"""Writes: authoring assessments and the attempt flow (start, submit, grade).

Concurrency: every attempt write for a learner first locks the learner's enrollment
row, so a learner's racing start/submit requests run one after the other; the
database backs this with a unique attempt number and a partial unique index (one
attempt in progress per learner and assessment).

``authoring`` creates, edits, retires and deletes assessments (its input checks in
``validation``), ``attempts`` runs an attempt from start to automatic grading,
``manual_grading`` grades essays by hand; this package exports the names other
packages use.
"""

from .attempts import (
    attempt_autosave,
    attempt_start,
    attempt_submit,
    required_assessment_guard,
)
from .authoring import (
    assessment_archive,
    assessment_create,
    assessment_delete,
    assessment_restore,
    assessment_retire,
    assessment_update,
    assessment_update_partial,
)
from .manual_grading import MAX_GRADE_FEEDBACK, attempt_grade_manual
from .validation import (
    AUTHORED_DEFAULTS,
    AUTHORED_FIELDS,
    MAX_ATTEMPTS,
    MAX_LAB_INSTRUCTIONS,
    MAX_TIME_LIMIT,
    questions_validate_keeping_flags,
)

__all__ = [
    "AUTHORED_DEFAULTS",
    "AUTHORED_FIELDS",
    "MAX_ATTEMPTS",
    "MAX_GRADE_FEEDBACK",
    "MAX_LAB_INSTRUCTIONS",
    "MAX_TIME_LIMIT",
    "assessment_archive",
    "assessment_create",
    "assessment_delete",
    "assessment_restore",
    "assessment_retire",
    "assessment_update",
    "assessment_update_partial",
    "attempt_autosave",
    "attempt_grade_manual",
    "attempt_start",
    "attempt_submit",
    "questions_validate_keeping_flags",
    "required_assessment_guard",
]
