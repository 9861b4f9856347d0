"""The "Assessments" model viewset: list, create, edit, retire or delete, scoped to
the courses the user teaches; writes go through ``assessments.services``."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.log_actions import log

from portal.errors import DomainError

from ... import selectors, services
from ...models import Assessment
from ..forms import AssessmentForm
from .pages import (
    AssessmentResultsView,
    AssessmentRetireView,
    ScopedObjectMixin,
    percent,
)


def _pass_rate(assessment) -> str:
    decided = assessment.decided_count
    return percent(100 * assessment.passed_count / decided if decided else None)


class AssessmentIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.assessment_admin_list(actor=self.request.user)

    def get_list_more_buttons(self, instance):
        buttons = [
            b
            for b in super().get_list_more_buttons(instance)
            # An assessment with attempts is retired, never deleted.
            if not (instance.attempt_count and b.url == self.get_delete_url(instance))
        ]
        return buttons

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        buttons.insert(
            0,
            ListingButton(
                _("Results"),
                url=reverse("assessments:results", args=[instance.pk]),
                icon_name="table",
                priority=5,
            ),
        )
        if instance.archived_at is None and instance.attempt_count:
            buttons.insert(
                1,
                ListingButton(
                    _("Retire"),
                    url=reverse("assessments:retire", args=[instance.pk]),
                    icon_name="folder-inverse",
                    priority=6,
                ),
            )
        elif instance.archived_at is not None:
            buttons.insert(
                1,
                ListingButton(
                    _("Restore"),
                    url=reverse("assessments:restore", args=[instance.pk]),
                    icon_name="rotate",
                    priority=6,
                ),
            )
        return buttons


class ServiceFormMixin:
    """Save through a service; its ``DomainError`` becomes a form error."""

    def is_valid(self, form):
        if not form.is_valid():
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        try:
            with transaction.atomic():
                self.object = self.save_through_service(form)
        except DomainError as exc:
            form.add_service_error(exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        return True

    def form_valid(self, form):
        self.form = form
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class AssessmentCreateView(ServiceFormMixin, generic.CreateView):
    def save_through_service(self, form) -> Assessment:
        assessment = services.assessment_create(
            actor=self.request.user, **form.service_arguments()
        )
        log(instance=assessment, action="wagtail.create", user=self.request.user)
        return assessment


class AssessmentEditView(ScopedObjectMixin, ServiceFormMixin, generic.EditView):
    def save_through_service(self, form) -> Assessment:
        assessment = services.assessment_update(
            actor=self.request.user,
            assessment_id=self.object.pk,
            **form.service_arguments(),
        )
        log(instance=assessment, action="wagtail.edit", user=self.request.user)
        return assessment

    @cached_property
    def can_delete(self):
        return not self.object.attempts.exists() and super().can_delete

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Results"),
                url=reverse("assessments:results", args=[self.object.pk]),
                icon_name="table",
                priority=5,
            )
        )
        if self.object.archived_at is None:
            buttons.append(
                Button(
                    _("Retire"),
                    url=reverse("assessments:retire", args=[self.object.pk]),
                    icon_name="folder-inverse",
                    priority=25,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.archived_at is not None and self.request.method == "GET":
            messages.warning(
                self.request,
                _(
                    "This assessment is retired: learners no longer see it. Its "
                    "attempts and grades are kept."
                ),
            )
        return context


class AssessmentDeleteView(ScopedObjectMixin, generic.DeleteView):
    """Delete an assessment nobody has attempted; one with attempts goes to the
    retire page instead (its attempts and grades must stay)."""

    def dispatch(self, request, *args, **kwargs):
        if self.object.attempts.exists():
            messages.warning(
                request,
                _("This assessment has attempts: retire it instead of deleting it."),
            )
            return redirect("assessments:retire", self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user)
            services.assessment_delete(
                actor=self.request.user, assessment_id=self.object.pk
            )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return redirect("assessments:edit", self.object.pk)


class AssessmentHistoryView(ScopedObjectMixin, generic.HistoryView):
    pass


class AssessmentUsageView(ScopedObjectMixin, generic.UsageView):
    pass


class AssessmentViewSet(ModelViewSet):
    model = Assessment
    icon = "tasks"
    menu_label = gettext_lazy("Assessments")
    add_to_admin_menu = True
    menu_order = 250
    add_to_reference_index = False
    index_view_class = AssessmentIndexView
    add_view_class = AssessmentCreateView
    edit_view_class = AssessmentEditView
    delete_view_class = AssessmentDeleteView
    history_view_class = AssessmentHistoryView
    usage_view_class = AssessmentUsageView
    ordering = ["-created_at"]
    list_filter = ["assessment_type"]
    search_fields = ["title"]
    list_display = [
        "title",
        Column("course", label=gettext_lazy("Course"), accessor="course.title"),
        Column(
            "assessment_type",
            label=gettext_lazy("Type"),
            accessor="get_assessment_type_display",
        ),
        Column(
            "attempt_count", label=gettext_lazy("Attempts"), sort_key="attempt_count"
        ),
        Column("pass_rate", label=gettext_lazy("Pass rate"), accessor=_pass_rate),
        StatusFlagColumn(
            "archived_at",
            label=gettext_lazy("Retired"),
            accessor=lambda a: a.archived_at is not None,
            true_label=gettext_lazy("Retired"),
        ),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("course"),
                    FieldPanel("module"),
                    FieldPanel("assessment_type"),
                ],
                heading=gettext_lazy("Assessment"),
            ),
            FieldPanel("questions"),
            MultiFieldPanel(
                [
                    FieldPanel("passing_score"),
                    FieldPanel("max_attempts"),
                    FieldPanel("time_limit"),
                    FieldPanel("pool_size"),
                    FieldPanel("shuffle_questions"),
                    FieldPanel("show_answers_after_submit"),
                    FieldPanel("required_for_completion"),
                ],
                heading=gettext_lazy("Grading and attempts"),
            ),
            MultiFieldPanel(
                [FieldPanel("opens_at"), FieldPanel("closes_at")],
                heading=gettext_lazy("Availability"),
            ),
            MultiFieldPanel(
                [FieldPanel("proctored"), FieldPanel("lab_instructions")],
                heading=gettext_lazy("Exams and labs"),
            ),
        ],
        base_form_class=AssessmentForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("results/<int:pk>/", AssessmentResultsView.as_view(), name="results"),
            path("retire/<int:pk>/", AssessmentRetireView.as_view(), name="retire"),
            path(
                "restore/<int:pk>/",
                AssessmentRetireView.as_view(restore=True),
                name="restore",
            ),
        ]
