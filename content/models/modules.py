"""Modules: the units of a course, and who may read and edit them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from portal.accounts.permissions import is_admin
from portal.hooks import course_member_any

from ..blocks import ModuleBodyBlock
from .choices import MAX_MINUTES, ModuleKind

if TYPE_CHECKING:
    from .courses import CoursePage


class ModulePermissionTester(PagePermissionTester):
    """A course's instructor may edit all its modules, even those an editor added."""

    def can_edit(self):
        if super().can_edit():
            return True
        if "add" not in self.permissions:
            return False
        course = self.page.get_parent().specific
        return getattr(course, "instructor_id", None) == self.user.pk


class ModulePage(Page):
    """One unit of a course. Its order is the page tree's order under the course."""

    description = models.TextField(blank=True, max_length=5000)
    kind = models.CharField(
        _("content type"),
        max_length=20,
        choices=ModuleKind.choices,
        default=ModuleKind.TEXT,
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
                FieldPanel("duration"),
                FieldPanel("is_mandatory"),
                FieldPanel("is_free_preview"),
            ],
            heading=_("Module facts"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["content.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "module"

    def permissions_for_user(self, user):
        return ModulePermissionTester(user, self)

    @staticmethod
    def course_member(user, course: CoursePage) -> bool:
        """Whether ``user`` (possibly anonymous) may read every module of ``course``:
        admins, its instructor, and whoever a ``portal.hooks.COURSE_MEMBER_CHECK``
        admits (enrolled learners)."""
        if not getattr(user, "is_authenticated", False):
            return False
        if is_admin(user) or course.instructor_id == user.pk:
            return True
        return course_member_any(user=user, course_ids=[course.pk])

    def body_readable_by(self, user, course: CoursePage) -> bool:
        """Whether ``user`` may read this module's body: a course member (above), or
        anyone for a free preview. Titles, descriptions and the outline stay public,
        as in the catalog."""
        return self.is_free_preview or self.course_member(user, course)

    def get_context(self, request, *args, **kwargs):
        """The course, its catalog (for breadcrumbs), the live modules around this
        one (for previous/next navigation) and whether the body may be shown (an
        editor's preview always shows it)."""
        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        member = getattr(request, "is_preview", False) or self.course_member(
            request.user, course
        )
        context["course_member"] = member
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
