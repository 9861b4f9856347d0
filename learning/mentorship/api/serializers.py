"""Input and output shapes of the mentorship API (API.md Part 2, "Mentorship")."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.fields import MAX_ID, QueryBooleanField, StrictBooleanField

from ..models import MentorRequestStatus, SessionStatus


def _text(max_length: int, **kwargs) -> serializers.CharField:
    from portal.api.fields import StrictCharField

    return StrictCharField(max_length=max_length, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601 with a UTC offset (e.g. 2026-03-02T18:00:00-05:00).",
    }
)
class OffsetDateTimeField(serializers.DateTimeField):
    """An instant: ISO 8601 *with* an offset. A time without one is ambiguous (whose
    6 pm?) and refused, so nobody books the wrong hour."""

    default_error_messages = {
        "naive": _("Give the time with a UTC offset, e.g. 2026-03-02T18:00:00+00:00."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        parsed = super().to_internal_value(value)
        # DRF makes a naive input aware in the default zone; look at the text.
        text = value.strip()
        if not (text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]):
            self.fail("naive")
        return parsed


class MentorshipPersonRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    email = serializers.EmailField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class MentorshipCourseRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ProgressSummary(serializers.Serializer):
    courses_active = serializers.IntegerField()
    courses_completed = serializers.IntegerField()
    average_progress = serializers.FloatField(allow_null=True)
    last_activity = serializers.DateTimeField(allow_null=True)


class MentorshipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    mentor = MentorshipPersonRef()
    mentee = MentorshipPersonRef()
    course = MentorshipCourseRef(allow_null=True)
    active = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.SerializerMethodField()

    def get_active(self, assignment) -> bool:
        return assignment.ended_at is None

    @extend_schema_field(ProgressSummary)
    def get_progress(self, assignment) -> dict:
        average = getattr(assignment, "average_progress", None)
        return {
            "courses_active": getattr(assignment, "courses_active", 0),
            "courses_completed": getattr(assignment, "courses_completed", 0),
            "average_progress": None if average is None else round(float(average), 2),
            "last_activity": getattr(assignment, "last_activity", None),
        }


class MentorLoadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    email = serializers.EmailField()
    active_mentees = serializers.IntegerField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class MentorshipInput(serializers.Serializer):
    mentor_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    mentee_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    course_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )


class MentorshipQuery(serializers.Serializer):
    active = QueryBooleanField(
        required=False, help_text="Only current (true) or only ended (false) ones."
    )


class SlotInput(serializers.Serializer):
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    repeat_weeks = serializers.IntegerField(
        min_value=1,
        max_value=26,
        default=1,
        help_text="Publish the same slot this many weeks running (1 = one-off); "
        "each week keeps the local time in `time_zone`.",
    )
    time_zone = _text(
        64,
        required=False,
        help_text="IANA zone of the weekly series (default: the mentor's).",
    )


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    mentor_id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    series = serializers.UUIDField(allow_null=True)
    time_zone = serializers.CharField()
    booked = serializers.SerializerMethodField()

    def get_booked(self, slot) -> bool:
        return bool(getattr(slot, "booked", False))


class SlotCreateOutput(SlotOutput):
    occurrences = SlotOutput(many=True)


class SlotQuery(serializers.Serializer):
    # ``from`` is a Python keyword: the field is renamed in ``__init__``.
    to = OffsetDateTimeField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = OffsetDateTimeField(required=False)
        return fields


class SessionInput(serializers.Serializer):
    slot_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    topic = _text(500)


class SessionUpdateInput(serializers.Serializer):
    topic = _text(500, required=False)


class SessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slot_id = serializers.IntegerField(allow_null=True)
    mentorship_id = serializers.IntegerField(source="assignment_id")
    mentor = MentorshipPersonRef()
    mentee = MentorshipPersonRef()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    topic = serializers.CharField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    meeting_url = serializers.CharField()
    uid = serializers.CharField()
    sequence = serializers.IntegerField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    ics_url = serializers.SerializerMethodField()

    def get_ics_url(self, session) -> str:
        return f"/api/v1/mentoring-sessions/{session.pk}/ics"


class SessionQuery(serializers.Serializer):
    upcoming = QueryBooleanField(
        required=False, help_text="Only sessions still to end (true) or past (false)."
    )
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)


class NoteInput(serializers.Serializer):
    body = _text(20_000)
    shared = StrictBooleanField(
        default=False, help_text="Shared notes are read by the mentee too."
    )


class NoteUpdateInput(serializers.Serializer):
    body = _text(20_000, required=False)
    shared = StrictBooleanField(required=False)


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session_id = serializers.IntegerField()
    author = MentorshipPersonRef()
    body = serializers.CharField()
    shared = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReviewInput(serializers.Serializer):
    summary = _text(10_000)
    goals = _text(10_000, required=False, allow_blank=True, default="")
    next_steps = _text(10_000, required=False, allow_blank=True, default="")


class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    mentorship_id = serializers.IntegerField(source="assignment_id")
    author = MentorshipPersonRef()
    mentee_id = serializers.IntegerField()
    summary = serializers.CharField()
    goals = serializers.CharField()
    next_steps = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class RequestInput(serializers.Serializer):
    course_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    message = _text(2000, required=False, allow_blank=True, default="")


class RequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    learner = MentorshipPersonRef()
    course = MentorshipCourseRef(allow_null=True)
    message = serializers.CharField()
    status = serializers.ChoiceField(choices=MentorRequestStatus.choices)
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    mentorship_id = serializers.IntegerField(source="assignment_id", allow_null=True)


class RequestQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=MentorRequestStatus.choices, required=False
    )


class SettingsInput(serializers.Serializer):
    time_zone = _text(64, required=False, help_text="An IANA zone, e.g. Europe/Berlin.")


class SettingsOutput(serializers.Serializer):
    time_zone = serializers.CharField()
    calendar_feed_url = serializers.CharField(
        help_text="Private: anyone with this URL reads your sessions. Reset it with "
        "POST /api/v1/mentoring-settings/calendar-feed/reset."
    )
