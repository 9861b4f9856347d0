"""Wagtail pages: the site root, the course catalog, courses and their modules.

Pages hold content and presentation, never learner state: enrollment, progress,
attempts and certificates live in their own apps and point at these pages.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from .blocks import ModuleBodyBlock

MAX_MINUTES = 100_000


class HomePage(Page):
    """The site root: a welcome text and a way into the catalog."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class CourseIndexPage(Page):
    """The course catalog: the one parent of every course."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = "course catalog"


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ModuleKind(models.TextChoices):
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    TEXT = "text", _("Text")
    INTERACTIVE = "interactive", _("Interactive")
    LAB = "lab", _("Lab")


class CoursePermissionTester(PagePermissionTester):
    """Instructors hold "add" on the catalog, which Wagtail would let them use under
    anyone's course. Modules may be added only to a course one teaches (or by
    editors with "change" rights, and moderators)."""

    def can_add_subpage(self):
        if not super().can_add_subpage():
            return False
        if self.user.is_superuser or "change" in self.permissions:
            return True
        return self.user.pk in (self.page.owner_id, self.page.instructor_id)


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
            ],
            heading=_("Course facts"),
        ),
        FieldPanel("thumbnail"),
        FieldPanel("learning_outcomes"),
        FieldPanel("prerequisites"),
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

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def with_content_json(self, content):
        # Restoring or publishing an old revision must not un-archive the course.
        obj = super().with_content_json(content)
        obj.archived_at = self.archived_at
        return obj


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
    body = StreamField(ModuleBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("duration"), FieldPanel("is_mandatory")],
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
