"""Editor views for courses: archive and restore. Each shows a confirmation page on
GET and changes the course on POST, through the service that owns the rule."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.utils import get_valid_next_url_from_request

from portal.errors import DomainError
from portal.errors import PermissionDenied as ServicePermissionDenied

from ..access import is_course_manager, is_moderator
from ..models import CoursePage
from ..services import course_archive, course_unarchive

TEMPLATE = "content/admin/course_action_confirm.html"


@require_http_methods(["GET", "POST"])
def course_archive_view(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    return _confirm_and_apply(
        request,
        course,
        allowed=is_course_manager(user=request.user, course=course),
        service=course_archive,
        action="archive",
        heading=_("Archive course"),
        question=_(
            "Archive “%(title)s”? It leaves the catalog and takes no new "
            "enrollments. Its pages, learner records and certificates stay, and "
            "enrolled learners can still read it."
        ),
        confirm=_("Yes, archive it"),
        done=_("“%(title)s” is archived: it is no longer listed in the catalog."),
    )


@require_http_methods(["GET", "POST"])
def course_unarchive_view(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    return _confirm_and_apply(
        request,
        course,
        allowed=is_moderator(user=request.user),
        service=course_unarchive,
        action="restore",
        heading=_("Restore course"),
        question=_(
            "Restore “%(title)s”? If it is published it returns to the catalog and "
            "takes enrollments again."
        ),
        confirm=_("Yes, restore it"),
        done=_("“%(title)s” is restored."),
    )


def _confirm_and_apply(
    request, course, *, allowed, service, action, heading, question, confirm, done
):
    next_url = get_valid_next_url_from_request(request) or reverse(
        "wagtailadmin_pages:edit", args=[course.pk]
    )
    title = {"title": course.get_admin_display_title()}
    context = {
        "course": course,
        "action": action,
        "page_title": heading,
        "page_subtitle": course.get_admin_display_title(),
        "header_icon": "doc-empty-inverse",
        "question": question % title,
        "confirm_label": confirm,
        "next_url": next_url,
    }
    if not allowed:
        return _denied(request, context)
    if request.method == "POST":
        try:
            service(actor=request.user, course=course)
        except ServicePermissionDenied as exc:
            return _denied(request, context, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done % title)
        return redirect(next_url)
    return TemplateResponse(request, TEMPLATE, context)


def _denied(request, context, message=None):
    # A plain 403 rather than Wagtail's redirect to the dashboard: the refusal is
    # about this course, and says why.
    context["denied"] = message or _(
        "Only the course's instructor or a moderator may archive it, and only "
        "moderators may restore it."
    )
    return TemplateResponse(request, TEMPLATE, context, status=403)
