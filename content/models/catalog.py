"""The site root and the course catalog."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .choices import Difficulty

CATALOG_PAGE_SIZE = 12
CATALOG_SEARCH_MAX_LENGTH = 200
THUMBNAIL_SPEC = "fill-640x360"


class HomePage(Page):
    """The site root: a welcome text, featured courses and a way into the
    catalog (the signed-in learner's next step comes from ``learning``'s template
    tag)."""

    intro = RichTextField(blank=True)
    featured_courses = ParentalManyToManyField(
        "content.CoursePage",
        blank=True,
        related_name="+",
        help_text=_("Shown on the home page; empty: the first three live courses."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("featured_courses"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from .courses import CoursePage

        context = super().get_context(request, *args, **kwargs)
        live = CoursePage.objects.live().filter(archived_at=None)
        featured = list(
            live.filter(pk__in=self.featured_courses.all()).order_by("path")
        )
        context["featured_courses"] = featured or list(live.order_by("path")[:3])
        return context


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
        """The listed courses, filtered by the GET form (``q``, ``category``,
        ``difficulty``) and paginated. They come from the selector behind
        ``GET /api/v1/courses``, so a query finds the same courses in the same order
        here as there; a listing without a query is sorted by title."""
        # Imported here: the selectors import these page models.
        from ..selectors import (
            CourseFilters,
            course_catalog_categories,
            course_catalog_list,
        )

        context = super().get_context(request, *args, **kwargs)
        categories = course_catalog_categories()
        query = request.GET.get("q", "").strip()[:CATALOG_SEARCH_MAX_LENGTH]
        category = request.GET.get("category", "")
        difficulty = request.GET.get("difficulty", "")
        # Unknown values are ignored rather than emptying the list.
        if category not in categories:
            category = ""
        if difficulty not in Difficulty.values:
            difficulty = ""
        courses = course_catalog_list(
            filters=CourseFilters(
                q=query,
                category=category,
                difficulty_level=difficulty,
                ordering="" if query else "title",
            )
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
