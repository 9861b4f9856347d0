"""Wagtail pages: the site root, the course catalog, courses and their modules.

Pages hold content and presentation, never learner state: enrollment, progress,
attempts and certificates live in their own apps and point at these pages.
"""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from portal.accounts.models import Role
from portal.accounts.permissions import is_admin

from .blocks import ModuleBodyBlock
from .media import VideoAsset, VideoStatus, VideoUsage  # noqa: F401  (app models)

MAX_MINUTES = 100_000
CATALOG_PAGE_SIZE = 12
CATALOG_SEARCH_MAX_LENGTH = 200
THUMBNAIL_SPEC = "fill-640x360"


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

    def get_context(self, request, *args, **kwargs):
        """The listed courses (live, not archived), filtered by the GET form
        (``q``, ``category``, ``difficulty``) and paginated."""
        context = super().get_context(request, *args, **kwargs)
        listed = CoursePage.objects.live().child_of(self).filter(archived_at=None)
        categories = list(
            listed.order_by("category").values_list("category", flat=True).distinct()
        )
        query = request.GET.get("q", "").strip()[:CATALOG_SEARCH_MAX_LENGTH]
        category = request.GET.get("category", "")
        difficulty = request.GET.get("difficulty", "")
        courses = listed
        if category in categories:
            courses = courses.filter(category=category)
        else:
            category = ""
        if difficulty in Difficulty.values:
            courses = courses.filter(difficulty_level=difficulty)
        else:
            difficulty = ""
        if query:
            # Full-text search (Wagtail's database backend: PostgreSQL or SQLite
            # FTS) picks the matches; the listing query below stays the same.
            # Only words go to the backend: SQLite's FTS syntax rejects stray quotes.
            words = " ".join(re.findall(r"\w+", query))
            matches = (
                CoursePage.objects.live().search(words, operator="and") if words else []
            )
            courses = courses.filter(pk__in=[page.pk for page in matches])
        courses = (
            courses.select_related("instructor")
            .prefetch_related(
                Prefetch(
                    "thumbnail",
                    queryset=get_image_model().objects.prefetch_renditions(
                        THUMBNAIL_SPEC
                    ),
                )
            )
            .annotate(module_count=_live_module_count())
            .order_by("title", "pk")
        )
        paginator = Paginator(courses, CATALOG_PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            courses=page_obj.object_list,
            page_obj=page_obj,
            page_range=paginator.get_elided_page_range(page_obj.number),
            categories=categories,
            difficulties=Difficulty.choices,
            filters={"q": query, "category": category, "difficulty": difficulty},
            is_filtered=bool(query or category or difficulty),
        )
        return context


def _live_module_count():
    """A subquery counting a course's live modules, for ``annotate``."""
    modules = (
        ModulePage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(modules), 0)


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
        context["modules"] = (
            ModulePage.objects.live().child_of(self).defer_streamfields()
        ).order_by("path")
        context["prerequisites"] = [
            course for course in self.prerequisites.all() if course.live
        ]
        return context

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self)

    def with_content_json(self, content):
        # Restoring or publishing an old revision must not un-archive the course.
        obj = super().with_content_json(content)
        obj.archived_at = self.archived_at
        return obj


# Checks other apps register: (user, live course ids) -> bool. ``learning`` adds
# "enrolled in one of them" (``content`` must not import ``learning``); module
# bodies and documents are opened to whoever a check admits.
COURSE_MEMBER_CHECKS: list = []


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

    def body_readable_by(self, user, course: CoursePage) -> bool:
        """Whether ``user`` (possibly anonymous) may read this module's body: anyone
        for a free preview; admins and the course's instructor; whoever a check in
        ``COURSE_MEMBER_CHECKS`` admits (enrolled learners). Titles, descriptions
        and the outline stay public, as in the catalog."""
        if self.is_free_preview:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        if is_admin(user) or course.instructor_id == user.pk:
            return True
        return any(check(user, [course.pk]) for check in COURSE_MEMBER_CHECKS)

    def get_context(self, request, *args, **kwargs):
        """The course, its catalog (for breadcrumbs), the live modules around this
        one (for previous/next navigation) and whether the body may be shown (an
        editor's preview always shows it)."""
        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        context["body_locked"] = not (
            getattr(request, "is_preview", False)
            or self.body_readable_by(request.user, course)
        )
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
