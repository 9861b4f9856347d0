"""NICE work roles on a course page (content templates load this tag; the content
app's Python never imports learning)."""

from django import template

from ..selectors import course_work_roles

register = template.Library()


@register.inclusion_tag("skills/includes/course_roles.html")
def course_work_roles_panel(course):
    roles = course_work_roles(course=course)
    computed = [
        (role, count)
        for role, count in roles.computed
        if roles.primary is None or role.pk != roles.primary.pk
    ]
    return {"primary": roles.primary, "computed": computed}
