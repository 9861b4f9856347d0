"""Organizations that sponsor learners: their members and representatives, the
invitations they send, and the seats they bought in courses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """An employer or sponsor whose representatives follow their members' learning."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80, unique=True)
    contact_email = models.EmailField(blank=True)
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self) -> "MembershipQuerySet":
        """Memberships that have not ended (``left_at`` unset)."""
        return self.filter(left_at__isnull=True)


class OrganizationMembership(models.Model):
    """A person's place in one organization, for a period: a member (learner) or a
    representative. A person may belong to several organizations; leaving sets
    ``left_at`` (the row stays, so history keeps the period), and joining again
    starts a new row."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_memberships",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    weekly_report = models.BooleanField(
        default=False,
        help_text=_("Representatives: e-mail me a progress report every week."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(left_at__isnull=True),
                name="corporate_one_current_membership",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["member", "representative"]),
                name="corporate_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class Invitation(models.Model):
    """An e-mail invitation to join an organization (and, optionally, a course on a
    seat). Its link creates an account or attaches the signed-in one. Only a hash
    of the token is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    course = models.ForeignKey(
        "content.CoursePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="corporate_one_open_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization}"


class SeatPool(models.Model):
    """Seats an organization bought in one course: ``quantity`` enrollments, usable
    until ``expires_at`` (never, when unset). Assignments are counted, under a lock on
    the pool row, so racing enrollments never take more than ``quantity``."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="seat_pools"
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organization", "course", "pk"]
        indexes = [models.Index(fields=["organization", "course"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__lte=1_000_000), name="corporate_seat_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} seats of {self.course_id} for {self.organization}"


class SeatAssignment(models.Model):
    """One seat of a pool used by one enrollment. Cancelling the enrollment within
    ``SEAT_RETURN_WINDOW_DAYS`` releases it (``released_at``) back to the pool."""

    pool = models.ForeignKey(
        SeatPool, on_delete=models.PROTECT, related_name="assignments"
    )
    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(released_at__isnull=True),
                name="corporate_one_seat_per_enrollment",
            ),
        ]
        indexes = [models.Index(fields=["pool", "released_at"])]

    def __str__(self) -> str:
        return f"seat of {self.pool_id} for {self.user_id}"
