"""Learner-side records: enrollments, per-module progress, learning sessions,
certificates and mentorship. They point at course and module pages with PROTECT:
pages with learner records are archived, never deleted."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolled")
    PAYMENT = "payment", _("Paid")
    CORPORATE = "corporate", _("Corporate seat")
    ADMIN = "admin", _("Enrolled by an administrator")


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# What "an active enrollment" is, for every app: one that is not cancelled (a
# completed course stays open to its learner). ``Enrollment.objects.active()`` for
# querysets, this condition inside aggregates, ``Enrollment.is_active`` for a row.
ACTIVE_ENROLLMENT = ~Q(status=EnrollmentStatus.CANCELLED)


class EnrollmentQuerySet(models.QuerySet):
    def active(self) -> "EnrollmentQuerySet":
        """The enrollments that give the learner the course (``ACTIVE_ENROLLMENT``)."""
        return self.filter(ACTIVE_ENROLLMENT)


class Enrollment(models.Model):
    """A learner's place in a course. Unenrolling cancels it (the row and its progress
    stay); enrolling again reactivates the same row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="enrollments"
    )
    source = models.CharField(
        max_length=20, choices=EnrollmentSource.choices, default=EnrollmentSource.SELF
    )
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    progress_percentage = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    last_accessed = models.DateTimeField(null=True, blank=True)
    last_module = models.ForeignKey(
        "content.ModulePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="learning_one_enrollment"
            ),
            models.CheckConstraint(
                condition=Q(progress_percentage__gte=0)
                & Q(progress_percentage__lte=100),
                name="learning_progress_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrollmentStatus.values),
                name="learning_enrollment_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course_id}"

    @property
    def is_active(self) -> bool:
        """``ACTIVE_ENROLLMENT`` for a loaded row."""
        return self.status != EnrollmentStatus.CANCELLED


class ModuleProgress(models.Model):
    """One row per learner and module: time spent, where a video was left, and when
    the module was completed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="module_progress",
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="+"
    )
    module = models.ForeignKey(
        "content.ModulePage", on_delete=models.PROTECT, related_name="progress_records"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    time_spent = models.PositiveIntegerField(default=0, help_text=_("Seconds."))
    last_position = models.PositiveIntegerField(default=0, help_text=_("Seconds."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], name="learning_one_progress_row"
            ),
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.module_id}"


class LearningSession(models.Model):
    """A stretch of activity in one course (a new one starts after 30 minutes idle)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_sessions",
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    time_spent = models.PositiveIntegerField(default=0, help_text=_("Seconds."))
    pages_viewed = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["user", "course", "-ended_at"]),
            models.Index(fields=["ended_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course_id} at {self.started_at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    """Proof that a learner completed a course. Holder name and course title are frozen
    at issue; the verification hash is an HMAC, so it cannot be guessed from ids.

    An enrollment holds at most one certificate that is not revoked. A revoked one
    stays (it still verifies, as revoked); when the enrollment is completed again
    after the revocation a new certificate is issued next to it."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates_issued"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(max_length=32, unique=True)
    verification_hash = models.CharField(max_length=64, unique=True)
    holder_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True, max_length=2000)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField(upload_to="certificates/", blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-issued_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(revoked_at__isnull=True),
                name="learning_certificate_one_valid_per_enrollment",
            )
        ]

    def __str__(self) -> str:
        return self.number


class MentorAssignment(models.Model):
    """A mentor guides a learner, optionally for one course. While the assignment is
    active the mentor may see the learner's profile and progress (a django-guardian
    object permission); scheduling, notes and reviews live in
    ``learning.mentorship``."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentee_assignments",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_assignments",
    )
    course = models.ForeignKey(
        "content.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(ended_at__isnull=True),
                name="learning_one_active_assignment_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="learning_mentor_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee}"
