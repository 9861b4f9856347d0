"""Question and lab-flag tags in the Wagtail admin (under "NICE Framework"): pick an
assessment of a course you teach, one of its questions, and a statement from the
searchable chooser."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from assessments.models import Assessment
from assessments.selectors import managed_assessments_filter
from content.access import managed_courses_q
from learning.skills.cms.base import (
    CourseRowPermissionPolicy,
    ScopedMixin,
    ServiceDeleteMixin,
    ServiceSaveMixin,
)
from learning.skills.cms.choosers import statement_chooser_viewset

from .. import services
from ..models import QuestionStatementTag


class QuestionTagPermissionPolicy(CourseRowPermissionPolicy):
    def course_of(self, instance):
        return instance.assessment.course

    def scope_q(self, user):
        return managed_courses_q(user=user, prefix="assessment__course__")


class QuestionTagForm(WagtailAdminModelForm):
    question_id = forms.CharField(
        label=_("Question"),
        max_length=64,
        help_text=_("The question's id in the assessment (e.g. q1); flags are labs."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        assessments = Assessment.objects.filter(
            managed_assessments_filter(for_user), archived_at=None
        ).select_related("course")
        self.fields["assessment"].queryset = assessments
        choices = [("", "---------")]
        for assessment in assessments:
            for question in assessment.questions:
                prompt = str(question.get("prompt", ""))[:60]
                kind = (
                    _("flag")
                    if question.get("type") == "flag"
                    else question.get("type")
                )
                choices.append(
                    (
                        f"{assessment.pk}:{question['id']}",
                        f"{assessment.title} · {question['id']} ({kind}): {prompt}",
                    )
                )
        self.fields["question_id"] = forms.ChoiceField(
            label=_("Question or flag"), choices=choices
        )
        if self.instance.pk:
            self.initial["question_id"] = (
                f"{self.instance.assessment_id}:{self.instance.question_id}"
            )
        self.fields["statement"].widget = statement_chooser_viewset.widget_class()

    def clean(self):
        data = super().clean()
        choice = data.get("question_id") or ""
        assessment = data.get("assessment")
        if assessment and choice:
            assessment_id, _sep, question_id = choice.partition(":")
            if str(assessment.pk) != assessment_id:
                self.add_error(
                    "question_id", _("Choose a question of the chosen assessment.")
                )
            else:
                data["question_id"] = question_id
        return data

    class Meta:
        model = QuestionStatementTag
        fields = ["assessment", "question_id", "statement", "purpose"]


def _save(view, form):
    return services.question_tag_set(
        actor=view.request.user,
        assessment=form.cleaned_data["assessment"],
        question_id=form.cleaned_data["question_id"],
        statement=form.cleaned_data["statement"],
        purpose=form.cleaned_data["purpose"],
    )


class QuestionTagCreateView(ServiceSaveMixin, generic.CreateView):
    def save_through_service(self, form):
        return _save(self, form)


class QuestionTagEditView(ScopedMixin, ServiceSaveMixin, generic.EditView):
    def save_through_service(self, form):
        old = QuestionStatementTag.objects.select_related("assessment__course").get(
            pk=self.object.pk
        )
        tag = _save(self, form)
        if tag.pk != old.pk:
            services.question_tag_delete(actor=self.request.user, tag=old)
        return tag


class QuestionTagDeleteView(ScopedMixin, ServiceDeleteMixin, generic.DeleteView):
    def delete_through_service(self):
        services.question_tag_delete(actor=self.request.user, tag=self.object)


class QuestionTagIndexView(ScopedMixin, generic.IndexView):
    pass


class QuestionTagViewSet(ModelViewSet):
    model = QuestionStatementTag
    icon = "tag"
    menu_label = _("Question and flag tags")
    add_to_admin_menu = False
    form_fields = ["assessment", "question_id", "statement", "purpose"]
    panels = [
        FieldPanel("assessment"),
        FieldPanel("question_id"),
        FieldPanel("statement"),
        FieldPanel("purpose"),
    ]
    list_display = [
        Column("assessment", label=_("Assessment"), accessor="assessment"),
        Column("question_id", label=_("Question"), accessor="question_id"),
        Column("statement", label=_("Statement"), accessor="statement"),
        Column("purpose", label=_("Purpose"), accessor="get_purpose_display"),
    ]
    index_view_class = QuestionTagIndexView
    add_view_class = QuestionTagCreateView
    edit_view_class = QuestionTagEditView
    delete_view_class = QuestionTagDeleteView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return QuestionTagForm


question_tag_viewset = QuestionTagViewSet("nice_question_tags")
