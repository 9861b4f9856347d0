"""Reads of certifications: voucher stock, a learner's voucher, and the CE credits
a learner earned (one row per completed course and body)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q

from learning.models import Certificate, Enrollment, EnrollmentStatus
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.accounts.selectors import user_get_visible
from portal.errors import PermissionDenied

from .models import CourseCredit, VoucherCode


def voucher_stock(*, actor: User, course_id: int) -> dict[str, int]:
    if not is_admin(actor):
        raise PermissionDenied("Only administrators see voucher stock.")
    counts = VoucherCode.objects.filter(course_id=course_id).aggregate(
        total=Count("pk"), claimed=Count("pk", filter=Q(claimed_by__isnull=False))
    )
    return {**counts, "available": counts["total"] - counts["claimed"]}


@dataclass(frozen=True)
class CreditRow:
    course_id: int
    course_title: str
    body: str
    body_label: str
    hours: Decimal
    completed_at: datetime
    certificate_number: str


def ce_credit_rows(*, actor: User, user_id: int) -> tuple[User, list[CreditRow]]:
    """The CE credits ``user_id`` earned: a row per completed course and body with
    the hours, completion date and certificate number; for whoever may see the
    user (404 otherwise). Three queries, whatever the number of courses."""
    user = user_get_visible(actor=actor, user_id=user_id)
    enrollments = {
        e.course_id: e
        for e in Enrollment.objects.filter(
            user=user, status=EnrollmentStatus.COMPLETED
        ).select_related("course")
    }
    numbers = dict(
        Certificate.objects.filter(
            user=user, course_id__in=list(enrollments), revoked_at__isnull=True
        ).values_list("course_id", "number")
    )
    credits = CourseCredit.objects.filter(course_id__in=list(enrollments)).order_by(
        "course_id", "body"
    )
    rows = [
        CreditRow(
            course_id=credit.course_id,
            course_title=enrollments[credit.course_id].course.title,
            body=credit.body,
            body_label=credit.get_body_display(),
            hours=credit.hours,
            completed_at=enrollments[credit.course_id].completed_at,
            certificate_number=numbers.get(credit.course_id, ""),
        )
        for credit in credits
    ]
    rows.sort(key=lambda row: (row.completed_at, row.course_id, row.body))
    return user, rows
