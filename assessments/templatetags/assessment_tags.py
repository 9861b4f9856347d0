"""Assessments on content pages: a module's (or a course's own) assessments with
the learner's state, linking to the take page. Content templates load these tags;
the content app's Python never imports assessments."""

from django import template
from django.utils.translation import gettext as _

from ..selectors import learner_assessment_list

register = template.Library()


def _state(assessment) -> tuple[str, str]:
    """(css modifier, label) of the learner's state on one annotated assessment."""
    if assessment.has_passed:
        return "passed", _("Passed")
    if assessment.in_progress:
        return "in-progress", _("In progress")
    if assessment.has_pending:
        return "pending", _("Awaiting grading")
    if assessment.attempts_used:
        return "failed", _("Not passed yet")
    return "new", _("Not started")


def _panel(context, *, heading: str, **where) -> dict:
    request = context["request"]
    rows = []
    for assessment in learner_assessment_list(user=request.user, **where):
        state, label = _state(assessment)
        rows.append(
            {
                "assessment": assessment,
                "state": state,
                "label": label,
                "attempts_left": max(
                    assessment.max_attempts - assessment.attempts_used, 0
                ),
            }
        )
    return {"request": request, "rows": rows, "heading": heading}


@register.inclusion_tag("assessments/includes/assessment_list.html", takes_context=True)
def module_assessments(context, module):
    """The module's assessments, for a learner enrolled in its course."""
    return _panel(context, module_id=module.pk, heading=_("Check your knowledge"))


@register.inclusion_tag("assessments/includes/assessment_list.html", takes_context=True)
def course_assessments(context, course):
    """The course's own assessments (not tied to a module), for enrolled learners."""
    return _panel(
        context, course_id=course.pk, module_id=None, heading=_("Course assessments")
    )
