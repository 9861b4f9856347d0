"""Input and output serializers of the courses and modules API, and the schema
pieces the views share."""

import json
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from wagtail.images.models import SourceImageIOError
from wagtail.rich_text import expand_db_html

from portal.api.fields import (
    QueryBooleanField,
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
)
from portal.errors import NotFound

from .. import selectors
from ..blocks import ModuleBodyBlock, clean_rich_text
from ..models import (
    CATALOG_SEARCH_MAX_LENGTH,
    MAX_MINUTES,
    CompletionRule,
    CourseStatus,
    Difficulty,
    ModuleKind,
)
from ..services import videos as video_services

MAX_ID = 10**18 - 1  # ids in paths have at most 18 digits
MAX_BODY_BLOCKS = 200
MAX_TEXT = 100_000
MAX_BODY_CHARS = 500_000
UNKNOWN_VIDEO = _("Unknown video: upload it first (POST /api/v1/videos).")
TAGS = ["courses"]
COURSE_ID = OpenApiParameter(
    "course_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Course id."
)


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
        return selectors.page_url(course, self.context)

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
    completion = serializers.ChoiceField(
        choices=CompletionRule.choices,
        help_text="How the module is completed: `view` (marked complete), `watch` "
        "(95 % of its video watched), `pass` (its required assessment passed), "
        "`flag` (every flag of its lab captured). Only `view` modules accept "
        "`completed: true` from the learner.",
    )
    duration = serializers.IntegerField(help_text="Minutes.")
    is_mandatory = serializers.BooleanField()
    is_free_preview = serializers.BooleanField()
    order = serializers.IntegerField(
        source="position", help_text="1-based place among the listed modules."
    )
    url = serializers.SerializerMethodField()
    is_published = serializers.BooleanField(
        source="live", help_text="False for draft modules (`include_drafts`)."
    )

    def get_url(self, module) -> str | None:
        return selectors.page_url(module, self.context)

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
        max_length=CATALOG_SEARCH_MAX_LENGTH,
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
    mine = QueryBooleanField(
        required=False,
        default=False,
        help_text="Instructors and admins: the caller's courses in every status "
        "(admins: all courses), not cached. Titles and statuses are the latest; "
        "filters apply to the saved page fields.",
    )


class ModuleListQuery(serializers.Serializer):
    include_drafts = QueryBooleanField(
        required=False,
        default=False,
        help_text="The course's instructor and admins: list draft modules too.",
    )


class CourseInput(serializers.Serializer):
    title = StrictCharField(max_length=255)
    description = StrictCharField(
        max_length=MAX_TEXT, help_text="Plain text; blank lines separate paragraphs."
    )
    category = StrictCharField(max_length=100)
    difficulty_level = serializers.ChoiceField(choices=Difficulty.choices)
    estimated_duration = serializers.IntegerField(
        min_value=0, max_value=MAX_MINUTES, help_text="Minutes."
    )
    price = StrictDecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=1_000_000, allow_null=True, required=False
    )
    learning_outcomes = serializers.ListField(
        child=StrictCharField(max_length=300), max_length=50, required=False
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
            if not isinstance(item.get("type"), str) or item["type"] not in known:
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
    title = StrictCharField(max_length=255)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True)
    content_type = serializers.ChoiceField(choices=ModuleKind.choices)
    completion = serializers.ChoiceField(
        choices=CompletionRule.choices,
        required=False,
        allow_blank=True,
        help_text="Empty or left out: by content type (video: `watch`, lab: `flag`, "
        "interactive: `pass`, text and document: `view`).",
    )
    duration = serializers.IntegerField(
        min_value=0, max_value=MAX_MINUTES, help_text="Minutes."
    )
    is_mandatory = StrictBooleanField(required=False, default=True)
    is_free_preview = StrictBooleanField(
        required=False,
        default=False,
        help_text="Anyone may read this module and watch its videos without enrolling.",
    )
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


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
