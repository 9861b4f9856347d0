"""The site root and the course catalog."""

import re

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

from .choices import Difficulty
from .courses import CoursePage
from .modules import ModulePage

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
