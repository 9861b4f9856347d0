"""The opt-in talent pipeline: a learner's career profile, visible to corporate
representatives only while the learner says so, and representatives' interest
requests, which reveal the learner's surname and e-mail only once accepted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.crypto.fields import EncryptedDateField, EncryptedTextField


class Clearance(models.TextChoices):
    NONE = "", _("Not stated")
    PUBLIC_TRUST = "public_trust", _("Public Trust")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top Secret")
    TS_SCI = "ts_sci", _("Top Secret/SCI")


class TalentProfile(models.Model):
    """A learner's career profile. ``visible`` is off until the learner opts in;
    turning it off removes the learner from every search at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent"
    )
    visible = models.BooleanField(default=False)
    headline = models.CharField(max_length=200, blank=True)
    target_roles = models.ManyToManyField(
        "skills.WorkRole", blank=True, related_name="talent_profiles"
    )
    location = models.CharField(max_length=120, blank=True)
    availability_date = models.DateField(null=True, blank=True)
    # Encrypted at rest, as the profile's own clearance and date of birth are
    # (``portal.crypto``): never searched or filtered on.
    separation_date = EncryptedDateField(
        null=True, blank=True, help_text=_("Veterans: date of separation.")
    )
    clearance_level = EncryptedTextField(
        max_length=20, choices=Clearance.choices, blank=True, default=Clearance.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["visible"])]

    def __str__(self) -> str:
        return f"Talent profile of {self.user_id}"


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Interest(models.Model):
    """A representative's request to get in touch with a candidate."""

    profile = models.ForeignKey(
        TalentProfile, on_delete=models.CASCADE, related_name="interests"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="talent_interests_sent",
    )
    organization = models.ForeignKey(
        "corporate.Organization",
        on_delete=models.CASCADE,
        related_name="talent_interests",
    )
    message = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=InterestStatus.choices, default=InterestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "representative"],
                condition=Q(status="pending"),
                name="talent_one_pending_interest",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InterestStatus.values),
                name="talent_interest_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Interest {self.pk} ({self.status})"
