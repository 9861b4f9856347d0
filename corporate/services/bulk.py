"""Bulk enrollment: a JSON list of e-mails or a CSV file, checked whole before any
row is applied, then applied row by row by a job.

A file that cannot be read (not UTF-8 or Windows-1252 text, no ``email`` column,
too many rows, a course id that is not a number) is refused with a 400 naming
``file`` before the job starts. Each row then runs in its own transaction, so a
job that stops half-way keeps the rows it applied and its report says which.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from content.models import CoursePage
from portal.accounts.models import User, normalize_email
from portal.errors import Conflict, DomainError, InvalidInput, NotFound
from portal.jobs.models import Job
from portal.jobs.services import JobRun, job_run, job_start

from ..models import Organization, OrganizationMembership
from .organizations import member_add_or_invite, organization_member_add
from .seats import seat_enrollment_create

Membership = OrganizationMembership
JOB_KIND = "bulk_enrollment"
COLUMNS = ("email", "first_name", "last_name", "course_id")


class Outcome:
    ENROLLED = "enrolled"
    INVITED = "invited"
    ALREADY_ENROLLED = "already_enrolled"
    NO_SEAT = "no_seat"
    INVALID = "invalid"


def _decode(raw: bytes) -> str:
    """UTF-8 with or without a byte-order mark; Excel's "CSV" (not "CSV UTF-8")
    saves Windows-1252, which is tried next."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InvalidInput(
        "The file is not a text CSV file (UTF-8 or Windows-1252).", field="file"
    )


def bulk_rows_from_csv(*, raw: bytes, default_course_id: int | None) -> list[dict]:
    """Read a CSV upload into rows ``{row, email, first_name, last_name,
    course_id}``: a header row naming ``email`` (any case; ``first_name``,
    ``last_name``, ``course_id`` optional), separated by commas or, as Excel writes
    in many locales, semicolons. ``row`` is the line's number in the file (the
    header is row 1)."""
    text = _decode(raw)
    if not text.strip():
        raise InvalidInput("The file is empty.", field="file")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
        if "email" not in header:
            raise InvalidInput(
                "The first row must name the columns, one of them 'email'.",
                field="file",
            )
        rows = []
        limit = settings.BULK_ENROLLMENT_MAX_ROWS
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            if len(rows) >= limit:
                raise InvalidInput(
                    f"The file has more than {limit} rows.", field="file"
                )
            values = dict(zip(header, (cell.strip() for cell in line), strict=False))
            course = values.get("course_id") or ""
            if course and not course.isdigit():
                raise InvalidInput(
                    f"Row {reader.line_num}: course_id must be a number.",
                    field="file",
                )
            rows.append(
                {
                    "row": reader.line_num,
                    "email": values.get("email", ""),
                    "first_name": values.get("first_name", "")[:150],
                    "last_name": values.get("last_name", "")[:150],
                    "course_id": int(course) if course else default_course_id,
                }
            )
    except csv.Error as exc:
        raise InvalidInput(f"The file is not valid CSV: {exc}.", field="file") from None
    if not rows:
        raise InvalidInput("The file has no rows under its header.", field="file")
    if "course_id" not in header and default_course_id is None:
        raise InvalidInput(
            "Send course_id, or a course_id column in the file.", field="course_id"
        )
    return rows


def bulk_rows_from_emails(*, emails: list[str], course_id: int) -> list[dict]:
    """JSON ``{course_id, emails}``: row numbers count from 1."""
    return [
        {
            "row": n,
            "email": email,
            "first_name": "",
            "last_name": "",
            "course_id": course_id,
        }
        for n, email in enumerate(emails, start=1)
    ]


@transaction.atomic
def bulk_enrollment_start(
    *, actor: User, organization: Organization, rows: list[dict]
) -> Job:
    """Queue the rows (already checked as a whole) as a bulk-enrollment job."""
    from ..tasks import run_bulk_enrollment

    return job_start(
        actor=actor,
        kind=JOB_KIND,
        task=run_bulk_enrollment,
        params={"organization_id": organization.pk, "rows": rows},
        total=len(rows),
    )


def _apply_row(
    *, actor: User, organization: Organization, row: dict, seen: dict, courses: dict
) -> dict:
    report = {"row": row["row"], "email": row["email"], "outcome": "", "reason": ""}

    def outcome(value: str, reason: str = "") -> dict:
        report.update(outcome=value, reason=reason)
        return report

    try:
        validate_email(row["email"])
    except ValidationError:
        return outcome(Outcome.INVALID, "Not a valid e-mail address.")
    email = normalize_email(row["email"])
    course_id = row.get("course_id")
    if course_id is None:
        return outcome(Outcome.INVALID, "No course_id for this row.")
    if course_id not in courses:
        courses[course_id] = CoursePage.objects.filter(
            pk=course_id, live=True, archived_at__isnull=True
        ).exists()
    if not courses[course_id]:
        return outcome(Outcome.INVALID, f"No open course with id {course_id}.")
    key = (email.lower(), course_id)
    if key in seen:
        return outcome(Outcome.ALREADY_ENROLLED, f"Duplicate of row {seen[key]}.")
    seen[key] = row["row"]
    user = User.objects.filter(email__iexact=email).first()
    with transaction.atomic():
        if user is None:
            member_add_or_invite(
                actor=actor,
                organization=organization,
                email=email,
                first_name=row.get("first_name", ""),
                last_name=row.get("last_name", ""),
                course=CoursePage.objects.get(pk=course_id),
            )
            return outcome(Outcome.INVITED, "No account yet: an invitation was sent.")
        if not user.is_active:
            return outcome(Outcome.INVALID, "This account is deactivated.")
        if (
            not Membership.objects.current()
            .filter(organization=organization, user=user)
            .exists()
        ):
            organization_member_add(organization=organization, user=user, actor=actor)
    try:
        with transaction.atomic():
            seat_enrollment_create(
                actor=actor, organization=organization, user=user, course_id=course_id
            )
    except Conflict as exc:
        if exc.code == "ALREADY_ENROLLED":
            return outcome(Outcome.ALREADY_ENROLLED)
        if exc.code in ("NO_SEATS_LEFT", "COURSE_FULL"):
            return outcome(Outcome.NO_SEAT, exc.message)
        return outcome(Outcome.INVALID, exc.message)
    except (NotFound, InvalidInput) as exc:
        return outcome(Outcome.INVALID, exc.message)
    except DomainError as exc:
        return outcome(Outcome.INVALID, exc.message)
    return outcome(Outcome.ENROLLED)


def bulk_enrollment_run(*, job_id: int) -> Job | None:
    """The job's work: apply each row in order, report it, count the outcomes. An
    unexpected error stops the job; the rows before it stay applied and reported,
    and ``result.failed_row`` names the row it stopped at."""

    def work(run: JobRun) -> None:
        organization = Organization.objects.get(pk=run.params["organization_id"])
        actor = run.job.creator
        rows = run.params["rows"]
        run.progress(done=0, total=len(rows), force=True)
        seen: dict = {}
        courses: dict = {}
        summary = dict.fromkeys(
            (
                Outcome.ENROLLED,
                Outcome.INVITED,
                Outcome.ALREADY_ENROLLED,
                Outcome.NO_SEAT,
                Outcome.INVALID,
            ),
            0,
        )
        run.result["summary"] = summary
        for row in rows:
            try:
                report = _apply_row(
                    actor=actor,
                    organization=organization,
                    row=row,
                    seen=seen,
                    courses=courses,
                )
            except Exception:
                # Rows before this one are applied and reported; this one and the
                # rest are not.
                run.result["failed_row"] = row["row"]
                raise
            summary[report["outcome"]] += 1
            run.row(report)

    return job_run(job_id=job_id, work=work)
