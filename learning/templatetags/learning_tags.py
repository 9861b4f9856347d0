"""Learner state on content pages: the course page's enrollment panel, the
module page's completion control and the video player's saved position. Content
templates load these tags; the content app's Python never imports learning."""

from django import template

from ..selectors import (
    completed_module_ids,
    dashboard_enrollments,
    enrollment_for_page,
    first_unfinished_module,
    module_progress_for_page,
    prerequisites_for_page,
)

register = template.Library()


@register.inclusion_tag("learning/includes/enroll_panel.html", takes_context=True)
def enrollment_panel(context, course):
    request = context["request"]
    enrollment = enrollment_for_page(user=request.user, course=course)
    return {
        "request": request,
        "course": course,
        "enrollment": enrollment,
        "continue_url": enrollment.continue_url if enrollment else None,
        "prerequisites": (
            None
            if enrollment
            else prerequisites_for_page(user=request.user, course=course)
        ),
    }


def _module_progress(request, module):
    """``module_progress_for_page`` once per request and module: the progress panel
    and every video block of the page ask for it."""
    memo = request.__dict__.setdefault("_module_progress_memo", {})
    if module.pk not in memo:
        memo[module.pk] = module_progress_for_page(user=request.user, module=module)
    return memo[module.pk]


@register.inclusion_tag("learning/includes/module_progress.html", takes_context=True)
def module_progress_panel(context, module, next_module=None):
    request = context["request"]
    enrollment, progress = _module_progress(request, module)
    return {
        "request": request,
        "module": module,
        "enrollment": enrollment,
        "progress": progress,
        "next_module": next_module,
    }


@register.simple_tag(takes_context=True)
def module_video_state(context, module) -> dict:
    """For a video player on a module page: whether the viewer is an enrolled
    learner whose watching is recorded (``track``), the course id and where they
    left the video (``last_position``, seconds). Preview viewers get no tracking."""
    request = context.get("request")
    if request is None or getattr(module, "pk", None) is None:
        return {"track": False}
    if not hasattr(module, "is_mandatory"):  # not a module page (e.g. a preview)
        return {"track": False}
    enrollment, progress = _module_progress(request, module)
    if enrollment is None:
        return {"track": False}
    return {
        "track": True,
        "course_id": enrollment.course_id,
        "last_position": progress.last_position if progress else 0,
        "completed": bool(progress and progress.completed_at),
    }


@register.simple_tag(takes_context=True)
def completed_modules(context, course) -> frozenset:
    """The ids of the modules of ``course`` the viewer has completed (empty for
    anyone not signed in), for the done marks of the outline and the sidebar."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if course is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    memo = request.__dict__.setdefault("_completed_modules_memo", {})
    if course.pk not in memo:
        memo[course.pk] = frozenset(completed_module_ids(user=user, course=course))
    return memo[course.pk]


@register.inclusion_tag("learning/includes/next_step.html", takes_context=True)
def learner_next_step(context):
    """The home page's "your next step": the module to continue in the course the
    learner touched last (nothing for visitors and people not enrolled yet)."""
    request = context["request"]
    user = request.user
    step = None
    if user.is_authenticated:
        enrollment = dashboard_enrollments(user=user).filter(status="active").first()
        if enrollment is not None:
            module = first_unfinished_module(user=user, course=enrollment.course)
            step = {"enrollment": enrollment, "module": module}
    return {"request": request, "step": step}
