"""Modules: the units of a course, and who may read and edit them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from portal.accounts.permissions import acts_as_instructor, is_admin

from ..blocks import ModuleBodyBlock
from .choices import (
    ALLOWED_COMPLETION,
    DEFAULT_COMPLETION,
    MAX_MINUTES,
    CompletionRule,
    ModuleKind,
)


class RolePagePermissionTester(PagePermissionTester):
    """Page permissions come with a role's editor group (instructors, admins). A
    user whose current role is neither holds none, even while a group membership
    outlives the role change, so an ex-instructor keeps no owner's or instructor's
    rights on their old course and modules."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if not (is_admin(user) or acts_as_instructor(user)):
            self.permissions = set()


class ModulePermissionTester(RolePagePermissionTester):
    """A course's instructor may edit all its modules, even those an editor added."""

    def can_edit(self):
        if super().can_edit():
            return True
        if "add" not in self.permissions:
            return False
        course = self.page.get_parent().specific
        return getattr(course, "instructor_id", None) == self.user.pk


class ModulePageForm(WagtailAdminPageForm):
    """The editor refuses a body showing documents the course's instructor did not
    upload (admins' uploads excepted), as the API does."""

    def clean(self):
        # Imported here: the rule reads these page models (a page's form and context
        # are the page's own face; see the import contract in pyproject.toml).
        from ..access import module_documents_refusal

        cleaned_data = super().clean()
        course = (
            self.parent_page if self.instance.pk is None else self.instance.get_parent()
        )
        body = cleaned_data.get("body")
        if body is not None and course is not None:
            refusal = module_documents_refusal(
                body=body,
                instructor_id=getattr(course.specific, "instructor_id", None),
            )
            if refusal:
                self.add_error("body", refusal)
        return cleaned_data


class ModulePage(Page):
    """One unit of a course. Its order is the page tree's order under the course."""

    description = models.TextField(blank=True, max_length=5000)
    kind = models.CharField(
        _("content type"),
        max_length=20,
        choices=ModuleKind.choices,
        default=ModuleKind.TEXT,
    )
    completion = models.CharField(
        _("completed when"),
        max_length=10,
        choices=CompletionRule.choices,
        blank=True,
        help_text=_(
            "How a learner completes this module. Empty: by content type (video: "
            "watched, lab: every flag captured, interactive: assessment passed, text "
            "and document: marked complete)."
        ),
    )
    duration = models.PositiveIntegerField(
        default=0,
        help_text=_("In minutes."),
        validators=[MaxValueValidator(MAX_MINUTES)],
    )
    is_mandatory = models.BooleanField(
        default=True, help_text=_("Required to complete the course.")
    )
    is_free_preview = models.BooleanField(
        _("free preview"),
        default=False,
        help_text=_(
            "Anyone may open this module and watch its videos without enrolling."
        ),
    )
    body = StreamField(ModuleBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("completion"),
                FieldPanel("duration"),
                FieldPanel("is_mandatory"),
                FieldPanel("is_free_preview"),
            ],
            heading=_("Module facts"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    base_form_class = ModulePageForm
    parent_page_types = ["content.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "module"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completion__in=CompletionRule.values),
                name="content_module_completion_valid",
            )
        ]

    def clean(self):
        """An empty completion rule takes its kind's default; a rule the kind does
        not allow (a lab completed by hand, a text "watched") is refused."""
        super().clean()
        if not self.completion:
            self.completion = DEFAULT_COMPLETION.get(self.kind, CompletionRule.VIEW)
        allowed = ALLOWED_COMPLETION.get(self.kind, set(CompletionRule))
        if self.completion not in allowed:
            names = ", ".join(sorted(str(rule.label) for rule in allowed))
            raise ValidationError(
                {
                    "completion": _("A %(kind)s module is completed by: %(names)s.")
                    % {"kind": self.get_kind_display(), "names": names}
                }
            )

    def video_ids(self) -> list[int]:
        """The videos this module's body shows, in order."""
        return [
            block.value["video_id"]
            for block in self.body
            if block.block_type == "video" and block.value.get("video_id")
        ]

    def permissions_for_user(self, user):
        return ModulePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        """The course, its catalog (for breadcrumbs), the live modules around this
        one (for previous/next navigation) and whether the body may be shown (an
        editor's preview always shows it)."""
        from ..access import course_member

        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        member = getattr(request, "is_preview", False) or course_member(
            user=request.user, course=course
        )
        context["course_member"] = member
        # A free preview's body is open to anyone (``content.access``).
        context["body_locked"] = not (member or self.is_free_preview)
        modules = list(
            ModulePage.objects.live()
            .child_of(course)
            .defer_streamfields()
            .order_by("path")
        )
        position = next(
            (i for i, module in enumerate(modules) if module.pk == self.pk), None
        )
        previous_module = next_module = None
        if position is not None:
            previous_module = modules[position - 1] if position > 0 else None
            next_module = modules[position + 1] if position + 1 < len(modules) else None
        context.update(
            course=course,
            catalog=course.get_parent(),
            modules=modules,
            previous_module=previous_module,
            next_module=next_module,
        )
        return context
