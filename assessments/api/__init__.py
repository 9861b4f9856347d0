"""Assessments API (API.md "Assessments"). Thin views over services and selectors.

Learner-facing output is built from whitelists (``public_question``, the feedback in
``attempts``): correct answers, tolerances, flag hashes and salts never leave the
server.

``assessments`` serves the assessment resource (list, detail, authoring),
``attempts`` the attempt flow and results, ``manual_grading`` the essay grading and
its queue; this package exports their views for ``urls``.
"""

from .assessments import AssessmentDetailView, CourseAssessmentsView
from .attempts import (
    AssessmentResultsView,
    AttemptAnswersView,
    AttemptDetailView,
    AttemptStartView,
    AttemptSubmitView,
)
from .manual_grading import AttemptGradeView, GradingQueueView

__all__ = [
    "AssessmentDetailView",
    "AssessmentResultsView",
    "AttemptAnswersView",
    "AttemptDetailView",
    "AttemptGradeView",
    "AttemptStartView",
    "AttemptSubmitView",
    "CourseAssessmentsView",
    "GradingQueueView",
]
