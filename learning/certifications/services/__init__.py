"""Writes of certifications: load voucher codes, claim one, set a course's
CE credits."""

from __future__ import annotations

import csv
import io

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import CoursePage
from learning.models import Enrollment, EnrollmentStatus
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from ..models import CourseCredit, VoucherCode

MAX_CODES = 10_000


def _course(course_id: int) -> CoursePage:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    return course


def voucher_csv_read(*, data: bytes) -> list[tuple[str, str]]:
    """``(code, exam)`` rows of a CSV with a header row naming ``code`` (and
    optionally ``exam``); ``InvalidInput`` naming ``file`` otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file must be UTF-8 CSV.", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "code" not in [f.strip() for f in reader.fieldnames]:
        raise InvalidInput(
            "The CSV needs a header row with a 'code' column.", field="file"
        )
    rows = []
    for row in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if row.get("code"):
            rows.append((row["code"], row.get("exam", "")))
    return rows


@transaction.atomic
def voucher_codes_load(
    *, actor: User, course_id: int, codes: list[tuple[str, str]]
) -> dict[str, int]:
    """Add ``(code, exam)`` pairs to a course's vouchers (admins). Codes already
    loaded for the course are skipped. Returns ``{loaded, duplicates}``."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators load voucher codes.")
    course = _course(course_id)
    if not codes:
        raise InvalidInput("No voucher codes were sent.", field="codes")
    if len(codes) > MAX_CODES:
        raise InvalidInput(f"At most {MAX_CODES} codes at a time.", field="codes")
    for code, exam in codes:
        if len(code) > 100 or len(exam) > 200:
            raise InvalidInput("A code is at most 100 characters.", field="codes")
    unique = dict(codes)  # the last exam name of a repeated code wins
    existing = set(
        VoucherCode.objects.filter(course=course, code__in=list(unique)).values_list(
            "code", flat=True
        )
    )
    new = [
        VoucherCode(course=course, code=code, exam=exam, loaded_by=actor)
        for code, exam in unique.items()
        if code not in existing
    ]
    VoucherCode.objects.bulk_create(new, ignore_conflicts=True)
    result = {"loaded": len(new), "duplicates": len(codes) - len(new)}
    audit_log_record(
        action="vouchers.loaded",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details=result,
    )
    return result


@transaction.atomic
def voucher_claim(*, actor: User, course_id: int) -> VoucherCode:
    """Hand the learner one voucher code of a course they completed; the same code
    again when they claimed before. Racing claims never hand out one code twice:
    the code row is locked (others skip it) and the database allows one claim per
    code and per learner and course.

    Errors: ``NotFound`` (no course), ``PermissionDenied`` (course not completed),
    409 ``NO_VOUCHERS_LEFT``."""
    course = _course(course_id)
    mine = VoucherCode.objects.filter(course=course, claimed_by=actor).first()
    if mine is not None:
        return mine
    completed = Enrollment.objects.filter(
        user=actor, course=course, status=EnrollmentStatus.COMPLETED
    ).exists()
    if not completed:
        raise PermissionDenied("Complete the course to claim an exam voucher.")
    free = (
        VoucherCode.objects.select_for_update(skip_locked=True)
        .filter(course=course, claimed_by__isnull=True)
        .order_by("pk")
        .first()
    )
    if free is None:
        raise Conflict(
            "No exam vouchers are left for this course.", code="NO_VOUCHERS_LEFT"
        )
    free.claimed_by = actor
    free.claimed_at = timezone.now()
    try:
        with transaction.atomic():
            free.save(update_fields=["claimed_by", "claimed_at"])
    except IntegrityError:
        # The same learner claimed in a racing request: theirs is the answer.
        return VoucherCode.objects.get(course=course, claimed_by=actor)
    audit_log_record(
        action="vouchers.claimed",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"voucher_id": free.pk},
    )
    return free


@transaction.atomic
def course_credit_set(*, actor: User, course_id: int, body: str, hours) -> CourseCredit:
    """Set (or change) the CE hours a body grants for a course (admins)."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators set CE credits.")
    course = _course(course_id)
    credit, _ = CourseCredit.objects.update_or_create(
        course=course, body=body, defaults={"hours": hours}
    )
    audit_log_record(
        action="ce_credit.set",
        user=actor,
        resource_type="course",
        resource_id=course.pk,
        details={"body": body, "hours": str(hours)},
    )
    return credit
