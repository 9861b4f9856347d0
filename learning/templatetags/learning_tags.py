"""Learner state on content pages: the course page's enrollment panel and the
module page's completion control. Content templates load these tags; the content
app's Python never imports learning."""

from django import template

from ..selectors import enrollment_for_page, module_progress_for_page

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
    }


@register.inclusion_tag("learning/includes/module_progress.html", takes_context=True)
def module_progress_panel(context, module, next_module=None):
    request = context["request"]
    enrollment, progress = module_progress_for_page(user=request.user, module=module)
    return {
        "request": request,
        "module": module,
        "enrollment": enrollment,
        "progress": progress,
        "next_module": next_module,
    }
