"""Courses: what learners enroll in, and who may edit them in the editor."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.accounts.models import Role
from portal.accounts.permissions import is_admin

from .choices import MAX_MINUTES, CourseStatus, Difficulty
from .modules import ModulePage, RolePagePermissionTester


class CoursePermissionTester(RolePagePermissionTester):
    """Instructors hold "add" on the catalog, which Wagtail would let them use under
    anyone's course. Modules may be added only to a course one teaches (or by
    editors with "change" rights, and moderators)."""

    def can_add_subpage(self):
        if not super().can_add_subpage():
            return False
        if self.user.is_superuser or "change" in self.permissions:
            return True
        return self.user.pk in (self.page.owner_id, self.page.instructor_id)


class CoursePageForm(WagtailAdminPageForm):
    """Instructors write the courses they teach: the instructor field offers them
    only themselves (and starts filled in); admins choose among instructors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("instructor")
        user = self.for_user
        if field is None or user is None:
            return
        if is_admin(user):
            field.queryset = field.queryset.filter(
                models.Q(role__in=[Role.INSTRUCTOR, Role.ADMIN])
                | models.Q(is_superuser=True)
            )
        else:
            allowed = [user.pk]
            if self.instance.instructor_id:
                allowed.append(self.instance.instructor_id)
            field.queryset = field.queryset.filter(pk__in=allowed)
            field.required = True
        field.label_from_instance = _person_label
        if not self.instance.instructor_id:
            self.initial["instructor"] = user.pk


def _person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class CoursePage(Page):
    """A course: what learners enroll in. Its status is derived from Wagtail's live and
    workflow state plus the archive flag (see ``status``)."""

    description = RichTextField(features=["bold", "italic", "link", "ol", "ul", "h3"])
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses_taught",
    )
    category = models.CharField(max_length=100, db_index=True)
    difficulty_level = models.CharField(
        max_length=20,
        choices=Difficulty.choices,
        default=Difficulty.BEGINNER,
        db_index=True,
    )
    estimated_duration = models.PositiveIntegerField(
        help_text=_("In minutes."), validators=[MaxValueValidator(MAX_MINUTES)]
    )
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000)],
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("Maximum number of learners; empty for no limit."),
    )
    thumbnail = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(max_length=300))], blank=True
    )
    prerequisites = ParentalManyToManyField(
        "content.CoursePage", blank=True, related_name="required_for"
    )
    certificate_validity_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36_500)],
        help_text=_("How long certificates stay valid; empty: they never expire."),
    )
    # The course's certificate template: what its PDF and verify page show.
    certificate_logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Printed at the top of the certificate (PNG or JPEG)."),
    )
    certificate_signatory_name = models.CharField(
        _("signatory"), max_length=120, blank=True
    )
    certificate_signatory_title = models.CharField(
        _("signatory's title"), max_length=120, blank=True
    )
    certificate_ce_hours = models.DecimalField(
        _("CE hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=_("Continuing-education hours the certificate awards."),
    )
    # State, not content: kept out of revisions (see with_content_json).
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("instructor"),
                FieldPanel("category"),
                FieldPanel("difficulty_level"),
                FieldPanel("estimated_duration"),
                FieldPanel("price"),
                FieldPanel("capacity"),
                FieldPanel("certificate_validity_days"),
            ],
            heading=_("Course facts"),
        ),
        FieldPanel("thumbnail"),
        FieldPanel("learning_outcomes"),
        FieldPanel("prerequisites"),
        MultiFieldPanel(
            [
                FieldPanel("certificate_logo"),
                FieldPanel("certificate_signatory_name"),
                FieldPanel("certificate_signatory_title"),
                FieldPanel("certificate_ce_hours"),
            ],
            heading=_("Certificate"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("category"),
        index.FilterField("difficulty_level"),
        index.FilterField("archived_at"),
        index.FilterField("live"),
    ]
    parent_page_types = ["content.CourseIndexPage"]
    subpage_types = ["content.ModulePage"]
    base_form_class = CoursePageForm
    # The explorer lists a course's modules in course order (the page tree's), not
    # the most recently edited first.
    admin_default_ordering = "ord"

    class Meta:
        verbose_name = "course"

    @property
    def status(self) -> str:
        if self.archived_at is not None:
            return CourseStatus.ARCHIVED
        if self.workflow_in_progress:
            return CourseStatus.IN_REVIEW
        if self.live:
            return CourseStatus.PUBLISHED
        return CourseStatus.DRAFT

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def status_string(self):
        # The editor's status tag (page listings, edit header) shows the archive.
        if self.archived_at is not None:
            return _("archived")
        return super().status_string

    def route(self, request, path_components):
        # Wagtail serves a live child under an unpublished parent; a module must
        # not be readable before its course is.
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        modules = ModulePage.objects.child_of(self).defer_streamfields()
        # A moderator previewing a course in review sees the modules under review
        # too (they go live with the course); learners see live ones only.
        if not getattr(request, "is_preview", False):
            modules = modules.live()
        context["modules"] = modules.order_by("path")
        context["prerequisites"] = [
            course for course in self.prerequisites.all() if course.live
        ]
        # The duration learners see is the sum of the live modules' durations
        # (the authored estimate while there are none).
        total = sum(module.duration for module in context["modules"])
        context["duration_minutes"] = total or self.estimated_duration
        return context

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def with_content_json(self, content):
        # Restoring or publishing an old revision must not un-archive the course.
        obj = super().with_content_json(content)
        obj.archived_at = self.archived_at
        return obj
