"""Searchable choosers for NICE statements and work roles (Wagtail chooser
viewsets): editors search by id or words and pick, never type ids."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ..models import Statement, StatementKind, WorkRole


class StatementFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("T0084, “incident”, …")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *StatementKind.choices],
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(nice_id__iexact=query) | Q(text__icontains=query)
            )
        if self.cleaned_data.get("kind"):
            objects = objects.filter(kind=self.cleaned_data["kind"])
        return objects


class StatementChooseMixin:
    filter_form_class = StatementFilterForm
    ordering = ["nice_id"]

    def get_object_list(self):
        return Statement.objects.filter(framework__current=True)


class StatementChooseView(StatementChooseMixin, ChooseView):
    pass


class StatementChooseResultsView(StatementChooseMixin, ChooseResultsView):
    pass


class StatementChooserViewSet(ChooserViewSet):
    model = Statement
    icon = "tag"
    choose_one_text = _("Choose a NICE statement")
    choose_another_text = _("Choose another statement")
    edit_item_text = _("Edit")
    choose_view_class = StatementChooseView
    choose_results_view_class = StatementChooseResultsView
    per_page = 20


class WorkRoleFilterForm(BaseFilterForm):
    q = forms.CharField(label=_("Search"), required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(nice_id__icontains=query) | Q(title__icontains=query)
            )
        return objects


class WorkRoleChooseMixin:
    filter_form_class = WorkRoleFilterForm
    ordering = ["nice_id"]

    def get_object_list(self):
        return WorkRole.objects.filter(framework__current=True)


class WorkRoleChooseView(WorkRoleChooseMixin, ChooseView):
    pass


class WorkRoleChooseResultsView(WorkRoleChooseMixin, ChooseResultsView):
    pass


class WorkRoleChooserViewSet(ChooserViewSet):
    model = WorkRole
    icon = "user"
    choose_one_text = _("Choose a work role")
    choose_another_text = _("Choose another work role")
    choose_view_class = WorkRoleChooseView
    choose_results_view_class = WorkRoleChooseResultsView


statement_chooser_viewset = StatementChooserViewSet("nice_statement_chooser")
work_role_chooser_viewset = WorkRoleChooserViewSet("nice_work_role_chooser")
