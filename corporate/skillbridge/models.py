"""DoD SkillBridge cohorts and their participants: service members who train with
the portal during their last 180 days of service.

Personal details are sensitive: they are encrypted at rest
(``portal.crypto.fields``), readable by staff only (admins and holders of the
``skillbridge.skillbridge_coordinator`` permission) and every read is audit-logged.
Program dates, hours and outcomes stay plain so reports can count them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.crypto.fields import EncryptedDateField, EncryptedTextField


class ServiceBranch(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air Force")
    MARINE_CORPS = "marine_corps", _("Marine Corps")
    SPACE_FORCE = "space_force", _("Space Force")
    COAST_GUARD = "coast_guard", _("Coast Guard")
    NATIONAL_GUARD = "national_guard", _("National Guard")
    RESERVE = "reserve", _("Reserve")


class Outcome(models.TextChoices):
    ACTIVE = "active", _("In the program")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RECALLED = "recalled", _("Recalled to duty")


class Cohort(models.Model):
    """A group of SkillBridge participants who train together."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("skillbridge_coordinator", "Coordinate DoD SkillBridge cohorts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="skillbridge_cohort_dates_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


def approval_upload_to(instance, filename: str) -> str:
    # A random name: the file's own name may carry personal data.
    return f"skillbridge/approvals/{uuid.uuid4().hex}.bin"


class Participant(models.Model):
    """A service member in a cohort. Encrypted: name, e-mail, branch, pay grade,
    installation, unit, commander and approval date, separation date, employer."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="skillbridge_participations",
        help_text=_("The participant's portal account, if any."),
    )
    full_name = EncryptedTextField()
    email = EncryptedTextField(blank=True)
    service_branch = EncryptedTextField()
    pay_grade = EncryptedTextField(blank=True)
    installation = EncryptedTextField(blank=True)
    unit = EncryptedTextField(blank=True)
    commander_name = EncryptedTextField(blank=True)
    commander_approval_date = EncryptedDateField(null=True, blank=True)
    approval_document = models.FileField(
        upload_to=approval_upload_to, blank=True, max_length=255
    )
    approval_document_name = EncryptedTextField(blank=True)
    approval_document_sha256 = models.CharField(max_length=64, blank=True)
    approval_document_size = models.PositiveIntegerField(null=True, blank=True)
    separation_date = EncryptedDateField()
    program_start = models.DateField()
    program_end = models.DateField()
    weekly_hours = models.PositiveSmallIntegerField()
    outcome = models.CharField(
        max_length=12, choices=Outcome.choices, default=Outcome.ACTIVE
    )
    job_offer = models.BooleanField(default=False)
    employer = EncryptedTextField(blank=True)
    hire_date = models.DateField(null=True, blank=True)
    employed_30_days = models.BooleanField(null=True, blank=True)
    employed_90_days = models.BooleanField(null=True, blank=True)
    employed_180_days = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program_end__gte=F("program_start")),
                name="skillbridge_program_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=1) & Q(weekly_hours__lte=80),
                name="skillbridge_weekly_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values),
                name="skillbridge_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Participant {self.pk} of cohort {self.cohort_id}"
