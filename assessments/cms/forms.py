"""The Wagtail admin's assessment form: settings as model fields, questions in a
block editor. Saving goes through ``assessments.services`` (see
``admin_views.AssessmentCreateView``), which holds the rules; the form limits the
choices to the user's own courses and checks the questions with the API's own
validation so errors land on the right question."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks import BlockField

from content.access import managed_courses_q
from content.models import CoursePage, ModulePage
from portal.errors import InvalidInput

from ..models import Assessment, AssessmentType
from ..services import (
    AUTHORED_DEFAULTS,
    AUTHORED_FIELDS,
    questions_validate_keeping_flags,
)
from .blocks import (
    QuestionStreamBlock,
    questions_from_stream,
    stream_from_questions,
    stream_validation_error,
)

# Service error fields (API names) -> form fields.
SERVICE_FIELDS = {"course_id": "course", "module_id": "module"}


def managed_courses(user):
    return CoursePage.objects.filter(managed_courses_q(user=user)).order_by("title")


class ModuleChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, course_titles=None, **kwargs):
        self.course_titles = course_titles or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        course = self.course_titles.get(obj.path[: -ModulePage.steplen])
        return f"{course}: {obj.title}" if course else obj.title


class AssessmentForm(WagtailAdminModelForm):
    questions = BlockField(
        block=QuestionStreamBlock(),
        label=_("Questions"),
        help_text=_("Add one block per question; drag to reorder."),
    )

    class Meta:
        model = Assessment
        # Written through the block field above and the services, never copied
        # onto the instance by the ModelForm.
        exclude = ["questions", "flag_salt", "created_by", "archived_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.questions_json: list[dict] | None = None
        if "course" in self.fields:
            courses = list(managed_courses(user).only("pk", "title", "path"))
            self.fields["course"].queryset = managed_courses(user)
            self.fields["course"].help_text = _("Only courses you teach.")
            if "module" in self.fields:
                self.fields["module"] = self._module_field(courses)
        if self.instance.pk and "questions" not in self.initial:
            self.initial["questions"] = stream_from_questions(
                self.fields["questions"].block, self.instance.questions
            )

    def _module_field(self, courses) -> ModuleChoiceField:
        paths = Q(pk__in=[])
        for course in courses:
            paths |= Q(path__startswith=course.path, depth=course.depth + 1)
        old = self.fields["module"]
        return ModuleChoiceField(
            queryset=ModulePage.objects.filter(paths).order_by("path"),
            required=False,
            label=old.label,
            help_text=_(
                "Optional: the module it belongs to (required to complete a module)."
            ),
            course_titles={c.path: c.title for c in courses},
        )

    def clean(self):
        cleaned = super().clean()
        course, module = cleaned.get("course"), cleaned.get("module")
        if course and module and not module.path.startswith(course.path):
            self.add_error("module", _("Not a module of the chosen course."))
        # Said here in words rather than as the database constraints' names (the
        # service checks the same).
        if cleaned.get("proctored") and (
            cleaned.get("assessment_type") != AssessmentType.EXAM
        ):
            self.add_error("proctored", _("Only exams can be proctored."))
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Must be after the opening time."))
        stream = cleaned.get("questions")
        if stream is not None:
            raw = questions_from_stream(stream)
            current = self.instance.questions if self.instance.pk else []
            try:
                questions_validate_keeping_flags(
                    raw=raw, salt=self.instance.flag_salt, current=current
                )
            except InvalidInput as exc:
                self.add_error(
                    "questions", stream_validation_error(exc.message, stream)
                )
                self.add_error(
                    None, _("Questions: %(errors)s") % {"errors": exc.message}
                )
            else:
                self.questions_json = raw
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned form as keyword arguments of ``assessment_create`` /
        ``assessment_update``."""
        data = self.cleaned_data
        module = data.get("module")
        arguments = {
            name: data.get(name, AUTHORED_DEFAULTS.get(name))
            for name in AUTHORED_FIELDS
        }
        arguments["module_id"] = module.pk if module else None
        arguments["questions"] = self.questions_json
        return {"course_id": data["course"].pk, **arguments}

    def add_service_error(self, exc) -> None:
        """Put a service's ``DomainError`` on the field it names (else the form)."""
        field = getattr(exc, "field", None) or ""
        name = SERVICE_FIELDS.get(field, field)
        if name.startswith("questions"):
            name = "questions"
            self.add_error(None, exc.message)
            return
        self.add_error(name if name in self.fields else None, exc.message)
