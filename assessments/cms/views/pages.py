"""The pages about one assessment beyond the viewset's own (retire or restore,
results), and the scoping every view of one assessment shares: only the user's own
are found (anyone else's: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from portal.errors import DomainError

from ... import selectors, services
from ...models import Assessment


class ScopedObjectMixin:
    """Views of one assessment find only the user's own (anyone else's: 404)."""

    def _scoped_queryset(self):
        return (
            self.permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["change"]
            )
            .select_related("course")
            .order_by()
        )

    def get_queryset(self):  # edit, delete (SingleObjectMixin)
        return self._scoped_queryset()

    def get_base_object_queryset(self):  # history, usage (BaseObjectMixin)
        return self._scoped_queryset()


def percent(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


class AssessmentObjectView(ScopedObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """Base of the pages about one assessment beyond the viewset's own."""

    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise Http404
        self.object = self._scoped_queryset().filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Assessment)

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("assessments:index"), "label": _("Assessments")},
            {
                "url": reverse("assessments:edit", args=[self.object.pk]),
                "label": self.object.title,
            },
            {"url": "", "label": self.page_title},
        ]


class AssessmentRetireView(AssessmentObjectView):
    """GET asks, POST retires (``restore=True``: brings it back)."""

    template_name = "assessments/admin/confirm.html"
    restore = False

    @property
    def page_title(self):
        return _("Restore assessment") if self.restore else _("Retire assessment")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["restore"] = self.restore
        if self.restore:
            context["question"] = _(
                "Restore “%(title)s”? Learners of the course see it again."
            ) % {"title": self.object.title}
            context["confirm_label"] = _("Yes, restore it")
        else:
            context["question"] = _(
                "Retire “%(title)s”? Learners no longer see or take it; its attempts "
                "and grades are kept, and you can restore it later."
            ) % {"title": self.object.title}
            context["confirm_label"] = _("Yes, retire it")
        context["cancel_url"] = reverse("assessments:index")
        return context

    def post(self, request, *args, **kwargs):
        service = (
            services.assessment_restore
            if self.restore
            else (services.assessment_retire)
        )
        try:
            assessment = service(actor=request.user, assessment_id=self.object.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            done = (
                _("“%(title)s” is restored.")
                if self.restore
                else _("“%(title)s” is retired.")
            )
            messages.success(request, done % {"title": assessment.title})
        return redirect("assessments:index")


class AssessmentResultsView(AssessmentObjectView):
    template_name = "assessments/admin/results.html"
    page_title = gettext_lazy("Results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = selectors.assessment_results(assessment=self.object)
        context.update(
            {
                "object": self.object,
                "results": results,
                "pass_rate": percent(results.pass_rate),
                "average_score": percent(results.average_score),
                "rows": [
                    {
                        "question": item,
                        "correct_rate": percent(item.correct_rate)
                        if item.auto_graded
                        else "—",
                        "average_points": "—"
                        if item.average_points is None
                        else f"{item.average_points:.2f}",
                    }
                    for item in results.questions
                ],
                "grading_url": reverse("assessments_grading_queue"),
            }
        )
        return context
