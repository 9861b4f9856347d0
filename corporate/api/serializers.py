"""Input and output shapes of the organizations API (API.md, "Organizations")."""

from django.conf import settings
from rest_framework import serializers

from learning.models import EnrollmentStatus
from portal.api.fields import MAX_ID, StrictCharField

from ..models import OrganizationMembership

Membership = OrganizationMembership


class OrganizationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    contact_email = serializers.EmailField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class OrganizationCreateInput(serializers.Serializer):
    name = StrictCharField(max_length=255)
    slug = serializers.SlugField(max_length=80)
    contact_email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True
    )
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)
    representative_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=50,
        help_text="Users with the corporate_rep role who represent it.",
    )


class OrganizationUpdateInput(serializers.Serializer):
    """Partial: fields not sent stay. ``slug`` is for admins only (403 otherwise)."""

    name = StrictCharField(max_length=255, required=False)
    slug = serializers.SlugField(max_length=80, required=False)
    contact_email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True
    )
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class ProgressSummaryOutput(serializers.Serializer):
    courses = serializers.IntegerField(source="course_count")
    completed = serializers.IntegerField(source="completed_count")
    average_progress = serializers.SerializerMethodField()
    last_activity = serializers.DateTimeField(allow_null=True)

    def get_average_progress(self, membership) -> float:
        return round(float(membership.average_progress or 0), 2)


class MemberOutput(serializers.Serializer):
    user = PersonOutput()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField()
    progress = ProgressSummaryOutput(source="*")


class MemberInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    first_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    last_name = StrictCharField(max_length=150, required=False, allow_blank=True)


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    course_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class MemberAddedOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["added", "invited"],
        help_text="`added`: the person had an account and is a member now; "
        "`invited`: an invitation e-mail was sent.",
    )
    member = MemberOutput(allow_null=True)
    invitation = InvitationOutput(allow_null=True)


class MemberFilterInput(serializers.Serializer):
    q = StrictCharField(max_length=100, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    progress = serializers.ChoiceField(
        choices=["not_started", "in_progress", "completed"], required=False
    )


class SeatPoolOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    course_title = serializers.CharField(source="course.title")
    quantity = serializers.IntegerField()
    used = serializers.IntegerField()
    available = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(allow_null=True)
    expired = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_available(self, pool) -> int:
        return max(pool.quantity - pool.used, 0)

    def get_expired(self, pool) -> bool:
        from django.utils import timezone

        return pool.expires_at is not None and pool.expires_at <= timezone.now()


class SeatPoolInput(serializers.Serializer):
    course_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class BulkJSONInput(serializers.Serializer):
    course_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    emails = serializers.ListField(
        child=StrictCharField(max_length=320, allow_blank=True),
        min_length=1,
        max_length=settings.BULK_ENROLLMENT_MAX_ROWS,
        help_text="One row per address; each is checked by the job (an invalid "
        "address is reported as `invalid`, not refused).",
    )


class BulkUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV with a header row: `email`, optional `first_name`, "
        "`last_name`, `course_id`. UTF-8 (with or without BOM) or Excel's "
        "Windows-1252; commas or semicolons; at most 10,000 rows."
    )
    course_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The course of rows without a course_id of their own.",
    )


class BulkRowOutput(serializers.Serializer):
    row = serializers.IntegerField()
    email = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=["enrolled", "invited", "already_enrolled", "no_seat", "invalid"]
    )
    reason = serializers.CharField(allow_blank=True)


class ReportQueryInput(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["json", "csv", "xlsx"], required=False, default="json"
    )


class ReportRowOutput(serializers.Serializer):
    member_id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    course_id = serializers.IntegerField()
    course_title = serializers.CharField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    progress_percentage = serializers.FloatField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    last_activity = serializers.DateTimeField(allow_null=True)
    time_spent = serializers.IntegerField(help_text="Seconds.")
    best_score = serializers.FloatField(allow_null=True)
    certificate_number = serializers.CharField(allow_null=True)
