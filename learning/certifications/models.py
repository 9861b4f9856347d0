"""Exam vouchers and continuing-education credits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VoucherCode(models.Model):
    """One exam voucher code for a course, loaded by an admin, claimed at most once
    (by a learner who completed the course; one per learner and course)."""

    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="voucher_codes"
    )
    code = models.CharField(max_length=100)
    exam = models.CharField(max_length=200, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voucher_codes",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "code"], name="certifications_code_once_per_course"
            ),
            models.UniqueConstraint(
                fields=["course", "claimed_by"],
                condition=Q(claimed_by__isnull=False),
                name="certifications_one_voucher_per_learner",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claimed_at__isnull=True)
                | Q(claimed_by__isnull=False, claimed_at__isnull=False),
                name="certifications_claim_complete",
            ),
        ]
        indexes = [models.Index(fields=["course", "claimed_by"])]

    def __str__(self) -> str:
        return f"{self.exam or 'voucher'} for {self.course_id}"


class CreditBody(models.TextChoices):
    COMPTIA_CEU = "comptia_ceu", _("CompTIA CEU")
    ISC2_CPE = "isc2_cpe", _("ISC2 CPE")


class CourseCredit(models.Model):
    """Continuing-education hours a certification body grants for completing a
    course."""

    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.CASCADE, related_name="ce_credits"
    )
    body = models.CharField(max_length=20, choices=CreditBody.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "body"], name="certifications_one_credit_per_body"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="certifications_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} {self.get_body_display()} for {self.course_id}"
