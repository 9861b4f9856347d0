"""Writes of the partner side: organizations and members, invitations, seats, bulk
enrollment jobs, report files and the weekly e-mail. Everything public is imported
here, so ``from corporate.services import ...`` is the one way in."""

from .bulk import (
    bulk_enrollment_run,
    bulk_enrollment_start,
    bulk_rows_from_csv,
    bulk_rows_from_emails,
)
from .organizations import (
    invitation_accept,
    invitation_accept_with_account,
    invitation_get_open,
    invitation_revoke,
    member_add_or_invite,
    organization_create,
    organization_leave,
    organization_member_add,
    organization_member_remove,
    organization_update,
    representative_preferences_set,
)
from .reports import (
    FORMATS,
    report_file_build,
    report_file_name,
    report_is_large,
    report_job_run,
    report_job_start,
)
from .seats import (
    NoSeatsLeft,
    representative_enrollment,
    seat_enrollment_create,
    seat_pool_create,
    seat_release_on_cancel,
)
from .weekly import weekly_reports_send

__all__ = [
    "FORMATS",
    "NoSeatsLeft",
    "bulk_enrollment_run",
    "bulk_enrollment_start",
    "bulk_rows_from_csv",
    "bulk_rows_from_emails",
    "invitation_accept",
    "invitation_accept_with_account",
    "invitation_get_open",
    "invitation_revoke",
    "member_add_or_invite",
    "organization_create",
    "organization_leave",
    "organization_member_add",
    "organization_member_remove",
    "organization_update",
    "report_file_build",
    "report_file_name",
    "report_is_large",
    "report_job_run",
    "report_job_start",
    "representative_enrollment",
    "representative_preferences_set",
    "seat_enrollment_create",
    "seat_pool_create",
    "seat_release_on_cancel",
    "weekly_reports_send",
]
