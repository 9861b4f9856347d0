"""The "Learners" area of the Wagtail admin for instructors (their own courses) and
admins (all): the courses they manage, and per course a roster of its learners with
a CSV export. The rows are ``learning.roster``'s, the same as the API's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from content.access import managed_courses_q
from content.models import CoursePage
from portal.accounts.permissions import acts_as_instructor, is_admin
from portal.errors import NotFound, PermissionDenied

from .. import roster, selectors
from ..models import EnrollmentStatus

PAGE_SIZE = 50


def may_see_rosters(user) -> bool:
    """Instructors (their courses) and admins; the menu item and every view ask."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (is_admin(user) or acts_as_instructor(user))
    )


def forbidden(request, message: str = ""):
    """A real 403 page. Wagtail's admin turns a raised ``PermissionDenied`` into a
    redirect to its dashboard, which tells another instructor nothing clear."""
    return permission_denied(request, DjangoPermissionDenied(message))


def managed_course(request, course_id: int) -> CoursePage:
    """``selectors.course_get_managed`` for an admin view: someone else's course
    is ``PermissionDenied`` when it is public, 404 when it is a draft or missing."""
    try:
        return selectors.course_get_managed(
            actor=request.user, course_id=course_id, what="the roster"
        )
    except NotFound:
        raise Http404 from None


class LearnersBaseView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_rosters(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class CourseListView(LearnersBaseView):
    template_name = "learning/admin/courses.html"
    page_title = gettext_lazy("Learners")
    page_subtitle = gettext_lazy("Your courses")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = (
            CoursePage.objects.filter(managed_courses_q(user=self.request.user))
            .select_related("instructor")
            .order_by("title")
        )
        return context


class RosterView(LearnersBaseView):
    template_name = "learning/admin/roster.html"
    page_title = gettext_lazy("Roster")

    def dispatch(self, request, *args, **kwargs):
        if not may_see_rosters(request.user):
            return forbidden(request)
        try:
            self.course = managed_course(request, kwargs["course_id"])
        except PermissionDenied as error:
            return forbidden(request, error.message)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("learning_courses"), "label": _("Learners")},
            {"url": "", "label": self.course.title},
        ]

    def status(self) -> str | None:
        status = self.request.GET.get("status") or None
        return status if status in EnrollmentStatus.values else None

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return roster_csv_response(course=self.course, status=self.status())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollments = roster.roster_enrollments(
            course=self.course, status=self.status()
        )
        page = Paginator(enrollments, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            {
                "course": self.course,
                "page_obj": page,
                "roster": roster.roster_build(
                    course=self.course, enrollments=page.object_list
                ),
                "status": self.status() or "",
                "statuses": EnrollmentStatus.choices,
                "csv_url": f"?format=csv&status={self.status() or ''}",
            }
        )
        return context


def roster_csv_response(*, course: CoursePage, status: str | None) -> HttpResponse:
    everyone = roster.roster_build(
        course=course,
        enrollments=roster.roster_enrollments(course=course, status=status),
    )
    response = HttpResponse(
        roster.roster_csv(roster=everyone), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{roster.roster_filename(course=course)}"'
    )
    return response
