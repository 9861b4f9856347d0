"""Courses and modules API (API.md: Courses and modules).

Learners read live pages; authors write revisions through ``content.services``. Views
validate input, call one selector or service and serialize the result. Anonymous
catalog reads are cached (``content.cache``) and purged whenever what they show
changes: on publish, unpublish and archive.
"""

import json
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    IsAuthenticated,
)
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.images.models import SourceImageIOError
from wagtail.rich_text import expand_db_html

from portal.accounts.permissions import IsAdminRole, MFAEnrolled, RolePermission
from portal.api.responses import ApiResponse
from portal.errors import NotFound

from . import selectors, services, video_services
from .blocks import ModuleBodyBlock, clean_rich_text
from .cache import TTL_SECONDS, catalog_response_key
from .models import MAX_MINUTES, CourseStatus, Difficulty, ModuleKind

MAX_ID = 10**18 - 1  # ids in paths have at most 18 digits
MAX_BODY_BLOCKS = 200
MAX_TEXT = 100_000
MAX_BODY_CHARS = 500_000
UNKNOWN_VIDEO = _("Unknown video: upload it first (POST /api/v1/videos).")
TAGS = ["courses"]
COURSE_ID = OpenApiParameter(
    "course_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Course id."
)

# Per-learner module state (the learning app's completion) joins the module list
# without ``content`` importing ``learning``: a provider registered here from an
# AppConfig.ready() is called as ``provider(user=, course=, modules=)`` for each page
# of modules and returns ``{module_id: {extra fields}}``.
MODULE_STATE_PROVIDERS: list = []


# --- Output -------------------------------------------------------------------------


class InstructorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class PrerequisiteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class CourseOutput(serializers.Serializer):
    """Learners see the live version; the course's instructor and admins (and the
    ``mine`` list) the author's view: latest title and real status."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The course's web page.")
    description = serializers.SerializerMethodField(help_text="HTML.")
    category = serializers.CharField()
    difficulty_level = serializers.ChoiceField(choices=Difficulty.choices)
    estimated_duration = serializers.IntegerField(help_text="Minutes.")
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    capacity = serializers.IntegerField(
        allow_null=True, help_text="Maximum learners; null for no limit."
    )
    instructor = InstructorOutput(allow_null=True)
    module_count = serializers.IntegerField(
        help_text="Live modules (the author's view counts drafts too)."
    )
    total_duration = serializers.IntegerField(
        help_text="Minutes, the sum of the counted modules' durations."
    )
    status = serializers.SerializerMethodField(
        help_text="Learners see `published` or `archived` only."
    )
    thumbnail_url = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(
        source="first_published_at", allow_null=True
    )
    last_published_at = serializers.DateTimeField(allow_null=True)

    def _author_view(self) -> bool:
        return bool(self.context.get("author_view"))

    def get_title(self, course) -> str:
        return course.draft_title if self._author_view() else course.title

    def get_url(self, course) -> str | None:
        return course.get_url(request=self.context.get("request"))

    def get_description(self, course) -> str:
        return expand_db_html(course.description)

    @extend_schema_field(serializers.ChoiceField(choices=CourseStatus.choices))
    def get_status(self, course) -> str:
        if self._author_view():
            return course.status
        return CourseStatus.ARCHIVED if course.is_archived else CourseStatus.PUBLISHED

    def get_thumbnail_url(self, course) -> str | None:
        if course.thumbnail is None:
            return None
        try:
            return course.thumbnail.get_rendition(selectors.THUMBNAIL_SPEC).url
        except (SourceImageIOError, OSError):
            return None


class CourseDetailOutput(CourseOutput):
    learning_outcomes = serializers.SerializerMethodField()
    prerequisites = serializers.SerializerMethodField()

    def get_learning_outcomes(self, course) -> list[str]:
        return [str(block.value) for block in course.learning_outcomes]

    @extend_schema_field(PrerequisiteOutput(many=True))
    def get_prerequisites(self, course):
        courses = course.prerequisites.all()
        if not self._author_view():
            courses = [c for c in courses if c.live]
        courses = sorted(courses, key=lambda c: (c.title.lower(), c.pk))
        return [dict(item) for item in PrerequisiteOutput(courses, many=True).data]


class ModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    content_type = serializers.ChoiceField(choices=ModuleKind.choices, source="kind")
    duration = serializers.IntegerField(help_text="Minutes.")
    is_mandatory = serializers.BooleanField()
    order = serializers.IntegerField(
        source="position", help_text="1-based place among the listed modules."
    )
    url = serializers.SerializerMethodField()
    is_published = serializers.BooleanField(
        source="live", help_text="False for draft modules (`include_drafts`)."
    )

    def get_url(self, module) -> str | None:
        return module.get_url(request=self.context.get("request"))

    def to_representation(self, module):
        data = super().to_representation(module)
        data.update(self.context.get("module_state", {}).get(module.pk, {}))
        return data


# --- Input --------------------------------------------------------------------------


class CourseListQuery(serializers.Serializer):
    category = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Exact, any case."
    )
    difficulty_level = serializers.ChoiceField(
        choices=Difficulty.choices, required=False, allow_blank=True
    )
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Full-text search of title and description; ranks by relevance "
        "unless `ordering` is given.",
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.ORDERINGS),
        required=False,
        allow_blank=True,
        help_text="`created` is the first publication; the default is `-created`.",
    )
    instructor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Instructor's user id."
    )
    mine = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Instructors and admins: the caller's courses in every status "
        "(admins: all courses), not cached. Titles and statuses are the latest; "
        "filters apply to the saved page fields.",
    )


class ModuleListQuery(serializers.Serializer):
    include_drafts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The course's instructor and admins: list draft modules too.",
    )


class CourseInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(
        max_length=MAX_TEXT, help_text="Plain text; blank lines separate paragraphs."
    )
    category = serializers.CharField(max_length=100)
    difficulty_level = serializers.ChoiceField(choices=Difficulty.choices)
    estimated_duration = serializers.IntegerField(
        min_value=0, max_value=MAX_MINUTES, help_text="Minutes."
    )
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=1_000_000, allow_null=True, required=False
    )
    learning_outcomes = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=50, required=False
    )
    prerequisites = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=50,
        required=False,
        help_text="Ids of published courses.",
    )

    def validate_prerequisites(self, ids):
        ids = list(dict.fromkeys(ids))
        courses = selectors.course_list_published(course_ids=ids)
        missing = sorted(set(ids) - {course.pk for course in courses})
        if missing:
            raise serializers.ValidationError(
                _("Not published courses: %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            )
        return courses


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "Plain text paragraphs."},
            {
                "type": "array",
                "description": "StreamField blocks, e.g. "
                '`{"type": "rich_text", "value": "<p>…</p>"}`.',
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {
                            "type": "string",
                            "enum": list(ModuleBodyBlock.base_blocks),
                        },
                        "value": {},
                    },
                    "required": ["type", "value"],
                },
            },
        ]
    }
)
class ModuleBodyField(serializers.Field):
    """A module body: plain text, or a list of StreamField blocks. Block contents are
    validated by the service; rich text is reduced to what the editor allows."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            if len(data) > MAX_TEXT:
                raise serializers.ValidationError(_("The text is too long."))
            return data
        if not isinstance(data, list) or len(data) > MAX_BODY_BLOCKS:
            raise serializers.ValidationError(
                _("Send text or a list of at most %(n)d blocks.")
                % {"n": MAX_BODY_BLOCKS}
            )
        if len(json.dumps(data)) > MAX_BODY_CHARS:
            raise serializers.ValidationError(_("The body is too long."))
        known = ModuleBodyBlock().child_blocks
        for index, item in enumerate(data):
            if not isinstance(item, dict) or "value" not in item:
                raise serializers.ValidationError(
                    _("Block %(i)d needs a type and a value.") % {"i": index}
                )
            if item.get("type") == "video":
                value = item["value"]
                video_id = value.get("video_id") if isinstance(value, dict) else None
                _check_video(self.parent.context, video_id)
            if item.get("type") not in known:
                raise serializers.ValidationError(
                    _("Block %(i)d: unknown type.") % {"i": index}
                )
        try:
            return [
                {**item, "value": clean_rich_text(known[item["type"]], item["value"])}
                for item in data
            ]
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value):
        return value


class ModuleInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True
    )
    content_type = serializers.ChoiceField(choices=ModuleKind.choices)
    duration = serializers.IntegerField(
        min_value=0, max_value=MAX_MINUTES, help_text="Minutes."
    )
    is_mandatory = serializers.BooleanField(required=False, default=True)
    body = ModuleBodyField(required=False)
    video_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="A video of yours (admins: any) from POST /api/v1/videos; it "
        "becomes a `video` block at the start of the body.",
    )

    def validate_video_id(self, value):
        if value is not None:
            _check_video(self.context, value)
        return value


def _check_video(context: dict, video_id) -> None:
    """Modules may show the caller's own videos (admins: any video)."""
    if type(video_id) is not int or not 0 < video_id <= MAX_ID:
        raise serializers.ValidationError(UNKNOWN_VIDEO)
    try:
        video_services.video_get(actor=context["request"].user, video_id=video_id)
    except NotFound:
        raise serializers.ValidationError(UNKNOWN_VIDEO) from None


def _validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _filters(query: dict) -> selectors.CourseFilters:
    return selectors.CourseFilters(
        category=query.get("category", ""),
        difficulty_level=query.get("difficulty_level", ""),
        q=query.get("q", ""),
        ordering=query.get("ordering", ""),
        instructor=query.get("instructor"),
    )


# --- Permissions and helpers --------------------------------------------------------


class PublicReadMixin:
    """Reading is open to anyone; writes need ``permission_classes``."""

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return super().get_permissions()


class IsCourseManager(BasePermission):
    """Changes to a course are for its instructor and admins."""

    message = _("Only the course's instructor or an admin may change this course.")

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or services.is_course_manager(
            request.user, obj
        )


def _anonymous_cached(request, name: str, build) -> ApiResponse:
    """``build() -> (data, meta)``. Anonymous answers are kept in the catalog cache
    under a key with every query parameter; signed-in readers always get fresh data.
    The key is taken before reading, so a purge during the read retires the entry."""
    if request.user.is_authenticated:
        data, meta = build()
        return ApiResponse(data, meta=meta)
    key = catalog_response_key(name, request.query_params)
    entry = cache.get(key)
    if entry is None:
        data, meta = build()
        entry = {"data": data, "meta": meta}
        cache.set(key, entry, TTL_SECONDS)
    return ApiResponse(entry["data"], meta=entry["meta"])


def _course_data(request, course_id: int) -> dict:
    read = selectors.course_get(actor=request.user, course_id=course_id)
    context = {"request": request, "author_view": read.author_view}
    return dict(CourseDetailOutput(read.course, context=context).data)


class CourseChangeMixin:
    def changeable_course(self, request, course_id):
        """The course, if visible (else 404), and if the caller manages it (else
        403)."""
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        self.check_object_permissions(request, course)
        return course


# --- Courses ------------------------------------------------------------------------


class CourseListView(PublicReadMixin, GenericAPIView):
    permission_classes = [RolePermission.require("course:create"), MFAEnrolled]
    serializer_class = CourseInput  # what OPTIONS describes
    filter_backends: list = []

    @extend_schema(
        parameters=[CourseListQuery],
        responses=CourseOutput(many=True),
        tags=TAGS,
        description="Published courses (live, not archived). Anonymous answers are "
        "cached until a course is published, unpublished or archived.",
    )
    def get(self, request, *args, **kwargs):
        query = _validated(CourseListQuery, request.query_params)
        if query["mine"]:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated()
            courses = selectors.course_list_authored(
                actor=request.user, filters=_filters(query)
            )
            data, meta = self._page(courses, author_view=True)
            return ApiResponse(data, meta=meta)
        return _anonymous_cached(
            request,
            "courses",
            lambda: self._page(selectors.course_list(filters=_filters(query))),
        )

    def _page(self, courses, *, author_view: bool = False):
        page = self.paginate_queryset(courses)
        context = {"request": self.request, "author_view": author_view}
        data = CourseOutput(page, many=True, context=context).data
        return [dict(item) for item in data], self.paginator.get_meta()

    @extend_schema(
        request=CourseInput,
        responses={201: CourseDetailOutput},
        tags=TAGS,
        description="Creates a draft course taught by the caller (instructors, "
        "admins).",
    )
    def post(self, request, *args, **kwargs):
        data = _validated(CourseInput, request.data)
        course = services.course_create(actor=request.user, data=data)
        return Response(
            _course_data(request, course.pk), status=status.HTTP_201_CREATED
        )


class CourseDetailView(PublicReadMixin, CourseChangeMixin, APIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Anyone reads a live course (archived ones too, by id); its "
        "instructor and admins read drafts, the latest revision and the real status.",
    )
    def get(self, request, course_id, *args, **kwargs):
        return _anonymous_cached(
            request,
            f"course:{int(course_id)}",
            lambda: (_course_data(request, int(course_id)), None),
        )

    @extend_schema(
        parameters=[COURSE_ID],
        request=CourseInput(partial=True),
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Saves a new revision with the fields sent; the live version is "
        "unchanged until the course is published. PATCH is a synonym.",
    )
    def put(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        data = _validated(CourseInput, request.data, partial=True)
        services.course_update(actor=request.user, course=course, data=data)
        return Response(_course_data(request, course.pk))

    @extend_schema(
        parameters=[COURSE_ID],
        request=CourseInput(partial=True),
        responses=CourseDetailOutput,
        tags=TAGS,
        description="The same as PUT.",
    )
    def patch(self, request, course_id, *args, **kwargs):
        return self.put(request, course_id, *args, **kwargs)

    @extend_schema(
        parameters=[COURSE_ID],
        responses={200: CourseDetailOutput},
        tags=TAGS,
        description="Archives the course (idempotent): it leaves the catalog and "
        "takes no new enrollments; pages and learner records stay.",
    )
    def delete(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        services.course_archive(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))


class CourseSubmitView(CourseChangeMixin, APIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        request=None,
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Submits the latest revision for review (status `in_review`); "
        "already in review: 409 `CONFLICT`.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        services.course_submit(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))


class CoursePublishView(APIView):
    permission_classes = [IsAdminRole, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        request=None,
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Admins (moderators): approves the review, or publishes directly, "
        "so the latest revision and the course's draft modules go live.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        services.course_publish(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))


# --- Modules ------------------------------------------------------------------------


class ModuleListView(PublicReadMixin, CourseChangeMixin, GenericAPIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]
    serializer_class = ModuleInput  # what OPTIONS describes
    filter_backends: list = []

    @extend_schema(
        parameters=[COURSE_ID, ModuleListQuery],
        responses=ModuleOutput(many=True),
        tags=TAGS,
        description="A course's live modules in order. Drafts of a course are "
        "visible to its instructor and admins only.",
    )
    def get(self, request, course_id, *args, **kwargs):
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        query = _validated(ModuleListQuery, request.query_params)
        if query["include_drafts"] and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        modules = selectors.module_list(
            actor=request.user, course=course, include_drafts=query["include_drafts"]
        )
        page = self.paginate_queryset(modules)
        context = self.module_context(course, page)
        return self.get_paginated_response(
            ModuleOutput(page, many=True, context=context).data
        )

    def module_context(self, course, modules) -> dict:
        state: dict = {}
        for provider in MODULE_STATE_PROVIDERS:
            for module_id, extra in provider(
                user=self.request.user, course=course, modules=modules
            ).items():
                state.setdefault(module_id, {}).update(extra)
        return {"request": self.request, "module_state": state}

    @extend_schema(
        parameters=[COURSE_ID],
        request=ModuleInput,
        responses={201: ModuleOutput},
        tags=TAGS,
        description="Appends a draft module; it goes live when the course is next "
        "published. `video_id` (a video of the caller's) is stored as a `video` "
        "block.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        data = _validated(ModuleInput, request.data, context={"request": request})
        data["kind"] = data.pop("content_type")
        module = services.module_create(actor=request.user, course=course, data=data)
        module = selectors.module_get(
            course=course, module_id=module.pk, include_drafts=True
        )
        output = ModuleOutput(module, context=self.module_context(course, [module]))
        return Response(output.data, status=status.HTTP_201_CREATED)
