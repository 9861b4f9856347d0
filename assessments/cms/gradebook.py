"""The gradebook in the Wagtail admin: a course's learners x its assessments, with
each learner's best score, attempts and the essays awaiting grading (linked to the
grading screen). For the course's instructor and admins; the figures are
``analytics.course_learner_results``, the roster's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from learning.models import Enrollment
from learning.selectors import course_get_managed
from portal.accounts.permissions import acts_as_instructor, is_admin
from portal.errors import NotFound, PermissionDenied

from ..analytics import course_learner_results

PAGE_SIZE = 50


class GradebookView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessments/admin/gradebook.html"
    page_title = gettext_lazy("Gradebook")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        # A real 403 page: Wagtail's admin turns a raised PermissionDenied into a
        # redirect to its dashboard.
        user = request.user
        if not (is_admin(user) or acts_as_instructor(user)):
            return permission_denied(request, DjangoPermissionDenied())
        try:
            self.course = course_get_managed(
                actor=user, course_id=kwargs["course_id"], what="the gradebook"
            )
        except NotFound:
            raise Http404 from None
        except PermissionDenied as error:
            return permission_denied(request, DjangoPermissionDenied(error.message))
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("learning_courses"), "label": _("Learners")},
            {"url": "", "label": self.course.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollments = (
            Enrollment.objects.filter(course=self.course)
            .active()
            .select_related("user")
            .order_by("user__email", "pk")
        )
        page = Paginator(enrollments, PAGE_SIZE).get_page(self.request.GET.get("p"))
        results = course_learner_results(
            course=self.course, user_ids=[e.user_id for e in page.object_list]
        )
        assessments = results["assessments"]
        rows = []
        for enrollment in page.object_list:
            cells = results["rows"].get(enrollment.user_id, {})
            rows.append(
                {
                    "user": enrollment.user,
                    "cells": [
                        {"assessment": a, **cells.get(a["id"], {})} for a in assessments
                    ],
                }
            )
        context.update(
            {
                "course": self.course,
                "assessments": assessments,
                "rows": rows,
                "page_obj": page,
            }
        )
        return context
