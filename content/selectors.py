"""Reads of courses and modules, scoped to what the acting user may see.

One shared filter decides visibility (``_visible_to``): everyone sees live courses;
instructors also see the courses they teach, in every state; admins see everything.
Archived courses stay readable by id but are left out of the catalog. Every selector
brings its own joins and subqueries, so the number of queries never grows with the
number of courses or modules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from portal.accounts.permissions import has_permission, is_admin
from portal.errors import NotFound, PermissionDenied

from .access import is_course_manager, managed_courses_q
from .media import VideoAsset, VideoStatus
from .models import THUMBNAIL_SPEC, CoursePage, ModulePage

SEARCH_CONFIG = "english"

# The duration learners see: the sum of the live modules' durations, or the authored
# estimate while a course has no module durations yet (the course page's rule).
_SHOWN_DURATION = Coalesce(NullIf(F("total_duration"), 0), F("estimated_duration"))

# API ``ordering`` values; the primary key breaks ties so pages never overlap.
ORDERINGS = {
    "title": (Lower("title").asc(), "pk"),
    "-title": (Lower("title").desc(), "-pk"),
    "price": ("price", "pk"),
    "-price": ("-price", "-pk"),
    "created": (F("first_published_at").asc(nulls_last=True), "pk"),
    "-created": (F("first_published_at").desc(nulls_first=True), "-pk"),
    "duration": (_SHOWN_DURATION.asc(), "pk"),
    "-duration": (_SHOWN_DURATION.desc(), "-pk"),
}
DEFAULT_ORDERING = "-created"


@dataclass(frozen=True)
class CourseFilters:
    category: str = ""
    difficulty_level: str = ""
    q: str = ""
    ordering: str = ""
    instructor: int | None = None


@dataclass(frozen=True)
class CourseRead:
    """A course as one reader sees it: the live page for learners, the latest
    revision for its instructor and admins (``author_view``)."""

    course: CoursePage
    author_view: bool


class _Count(Func):
    # An aggregate in a correlated subquery without GROUP BY.
    function = "COUNT"
    output_field = IntegerField()


class _Sum(Func):
    function = "SUM"
    output_field = IntegerField()


# --- Courses ------------------------------------------------------------------------


def _visible_to(actor) -> Q:
    if is_admin(actor):
        return Q()
    return Q(live=True) | managed_courses_q(user=actor)


def _module_stats(*, include_drafts: bool, prefix: str = "") -> dict:
    """Annotations: the number of a course's modules and the sum of their durations
    (live modules only, unless ``include_drafts``), as correlated subqueries on the
    course's children in the page tree."""
    modules = ModulePage.objects.filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1
    ).order_by()
    if not include_drafts:
        modules = modules.filter(live=True)
    return {
        f"{prefix}module_count": Coalesce(
            Subquery(modules.annotate(n=_Count("pk")).values("n")), 0
        ),
        f"{prefix}total_duration": Coalesce(
            Subquery(modules.annotate(n=_Sum("duration")).values("n")), 0
        ),
    }


def _courses(*, include_draft_modules: bool):
    """Courses with their instructor, thumbnail renditions and module statistics."""
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC)
    return (
        CoursePage.objects.select_related("instructor")
        .prefetch_related(Prefetch("thumbnail", queryset=images))
        .annotate(**_module_stats(include_drafts=include_draft_modules))
    )


def _search_ranked(courses, q: str):
    """PostgreSQL full-text search of title (weight A) and description (weight B),
    with stemming, annotated with its ``search_rank``."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    return (
        courses.alias(search_document=vector)
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(vector, query))
    )


def _search_words(courses, q: str):
    """The embedded default's fallback (SQLite has no full-text search that Django
    can query): every word must appear in the title or the description, in any case.
    Unranked, so results keep the requested or default ordering."""
    for word in q.split():
        courses = courses.filter(
            Q(title__icontains=word) | Q(description__icontains=word)
        )
    return courses


def _search(courses, q: str):
    """The one choice of catalog search backend, by the database the query runs on:
    ranked full-text search on PostgreSQL (production), the word fallback elsewhere.
    The catalog page, the catalog API and the authors' list all search through here,
    so one query finds the same courses on every face."""
    if connections[courses.db].vendor == "postgresql":
        return _search_ranked(courses, q)
    return _search_words(courses, q)


def _filtered(courses, filters: CourseFilters):
    if filters.category:
        courses = courses.filter(category__iexact=filters.category)
    if filters.difficulty_level:
        courses = courses.filter(difficulty_level=filters.difficulty_level)
    if filters.instructor is not None:
        courses = courses.filter(instructor_id=filters.instructor)
    ordering = filters.ordering
    if filters.q.strip():
        courses = _search(courses, filters.q)
        if not ordering and "search_rank" in courses.query.annotations:
            return courses.order_by("-search_rank", "-pk")
    return courses.order_by(*ORDERINGS[ordering or DEFAULT_ORDERING])


def _in_catalog() -> Q:
    # Listed in the catalog: published and not archived.
    return Q(live=True, archived_at__isnull=True)


def course_catalog_list(*, filters: CourseFilters):
    """The public catalog, as both the catalog page and ``GET /api/v1/courses`` list
    it: live courses that are not archived, filtered, searched and ordered by
    ``filters``. Without an ``ordering``, a search is ranked by relevance (where the
    backend ranks) and a plain listing is newest first.

    Takes no actor: the catalog is the same for every reader, which is what lets the
    API cache the anonymous answer."""
    courses = _courses(include_draft_modules=False).filter(_in_catalog())
    return _filtered(courses, filters)


def course_catalog_categories() -> list[str]:
    """The categories of the courses in the catalog, sorted: the choices of the
    catalog page's category filter."""
    courses = CoursePage.objects.filter(_in_catalog()).order_by("category")
    return list(courses.values_list("category", flat=True).distinct())


def course_list_authored(*, actor, filters: CourseFilters):
    """Courses the actor teaches, in every state (admins: all courses), with their
    review state prefetched so ``status`` costs no query per course."""
    if not has_permission(actor, "course:update"):
        raise PermissionDenied("Only instructors and admins have courses of their own.")
    courses = _courses(include_draft_modules=True).prefetch_related(
        Prefetch(
            "_specific_workflow_states",
            queryset=WorkflowState.objects.active(),
            to_attr="_current_workflow_states",
        )
    )
    return _filtered(courses.filter(managed_courses_q(user=actor)), filters)


def course_get_visible(*, actor, course_id: int) -> CoursePage:
    """The course page row if the actor may see the course at all, else NotFound
    (a draft of someone else is as absent as a missing id)."""
    course = CoursePage.objects.filter(_visible_to(actor), pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    return course


def course_get(*, actor, course_id: int) -> CourseRead:
    """A course for reading, or NotFound. Its managers get the latest revision, with
    draft modules counted, and its real status; everyone else the live version."""
    course = (
        _courses(include_draft_modules=False)
        .annotate(**_module_stats(include_drafts=True, prefix="all_"))
        .select_related("latest_revision")
        .filter(_visible_to(actor), pk=course_id)
        .first()
    )
    if course is None:
        raise NotFound("Course not found.")
    if not is_course_manager(user=actor, course=course):
        return CourseRead(course=course, author_view=False)
    stats = course.all_module_count, course.all_total_duration
    if course.has_unpublished_changes and course.latest_revision:
        course = course.with_content_json(course.latest_revision.content)
    course.module_count, course.total_duration = stats
    return CourseRead(course=course, author_view=True)


def course_list_published(*, course_ids: list[int]) -> list[CoursePage]:
    """The published (live, not archived) courses among ``course_ids``."""
    return list(
        CoursePage.objects.filter(_in_catalog(), pk__in=course_ids).order_by("pk")
    )


# --- Modules ------------------------------------------------------------------------


def _modules(course: CoursePage, *, include_drafts: bool):
    modules = ModulePage.objects.child_of(course)
    if not include_drafts:
        modules = modules.filter(live=True)
    # ``position``: the 1-based place among the listed modules, in tree order.
    before = modules.filter(path__lte=OuterRef("path")).order_by()
    return modules.annotate(
        position=Subquery(before.annotate(n=_Count("pk")).values("n"))
    ).order_by("path")


def module_list(*, actor, course: CoursePage, include_drafts: bool = False):
    """A course's live modules in the editor's order; its managers may ask for the
    draft modules too."""
    if include_drafts and not is_course_manager(user=actor, course=course):
        raise PermissionDenied("Only the course's instructor or an admin sees drafts.")
    return _modules(course, include_drafts=include_drafts)


def module_get(*, course: CoursePage, module_id: int, include_drafts: bool):
    module = _modules(course, include_drafts=include_drafts).filter(pk=module_id)
    module = module.first()
    if module is None:
        raise NotFound("Module not found.")
    return module


# --- Page URLs ----------------------------------------------------------------------


def page_url_resolver(*, request=None):
    """``url(page) -> str | None``: what ``page.get_url(request=request)`` answers,
    for many pages at the cost of one: the sites are read once (Wagtail keeps their
    root paths in the cache) and each URL is a string operation on the page's
    ``url_path``, where ``get_url`` reverses a route and looks the sites up per page.
    The URL is relative when there is one site or the page is on the request's
    site, else absolute, as Wagtail's."""
    from django.urls import reverse
    from wagtail.models import Site

    root_paths = Site.get_site_root_paths()
    prefix = reverse("wagtail_serve", args=("",))
    several_sites = len({root.site_id for root in root_paths}) > 1
    current = Site.find_for_request(request) if several_sites and request else None
    current_id = current.pk if current else None

    def url(page) -> str | None:
        matches = [r for r in root_paths if page.url_path.startswith(r.root_path)]
        if not matches:
            return None
        chosen = next((r for r in matches if r.site_id == current_id), matches[0])
        path = prefix + page.url_path[len(chosen.root_path) :]
        if not several_sites or chosen.site_id == current_id:
            return path
        return chosen.root_url + path

    return url


def page_url(page, context: dict) -> str | None:
    """``page``'s URL through the resolver kept in a serializer's ``context`` (made
    on first use, shared by every row of a list)."""
    if "page_url" not in context:
        context["page_url"] = page_url_resolver(request=context.get("request"))
    return context["page_url"](page)


def module_video_seconds(*, module: ModulePage) -> float:
    """How long the ready videos a module shows run, in seconds (0: none whose
    length is known). The ``watch`` completion rule measures against it."""
    ids = module.video_ids()
    if not ids:
        return 0.0
    total = VideoAsset.objects.filter(
        pk__in=ids, status=VideoStatus.READY, duration__isnull=False
    ).aggregate(total=Sum("duration"))["total"]
    return float(total or 0)


def video_transcoding_backlog() -> dict[str, int]:
    """How many videos wait for transcoding (``uploaded``) and how many are being
    transcoded (``processing``): one grouped count on the status index."""
    counts = dict.fromkeys((VideoStatus.UPLOADED, VideoStatus.PROCESSING), 0)
    rows = (
        VideoAsset.objects.filter(status__in=list(counts))
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return {str(status): count for status, count in counts.items()}
