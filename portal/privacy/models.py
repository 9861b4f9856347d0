"""Privacy: the consent ledger (GDPR Art. 7) and the record that a person's data
was erased (Art. 17). Exports and erasures themselves run as jobs
(``portal.jobs``); what each app holds is found through ``portal.hooks``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    EMAIL_MARKETING = "email_marketing", _("E-mail about courses and events")
    TALENT_PIPELINE = "talent_pipeline", _("Career profile shown to employers")
    ANALYTICS_COOKIES = "analytics_cookies", _("Analytics cookies and scripts")


class ConsentSource(models.TextChoices):
    API = "api", _("The API or the site's consent banner")
    TALENT_PROFILE = "talent_profile", _("The career profile's visibility switch")
    ERASURE = "erasure", _("Withdrawn when the account was erased")


class ConsentRecordImmutableError(Exception):
    """An attempt to change a consent record: the ledger is append-only."""


class ConsentRecord(models.Model):
    """One choice a person made about one purpose, at one moment. The ledger is
    append-only: a new choice is a new row, and the person's current state for a
    purpose is their latest row (no row: not granted)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=20, choices=ConsentSource.choices, default=ConsentSource.API
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "purpose", "-at"], name="privacy_consent_latest"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values),
                name="privacy_consent_purpose_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=ConsentSource.values),
                name="privacy_consent_source_valid",
            ),
        ]

    def __str__(self) -> str:
        state = "granted" if self.granted else "withdrawn"
        return f"{self.purpose} {state} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ConsentRecordImmutableError("Consent records cannot be changed.")
        super().save(*args, **kwargs)


class ErasedAccount(models.Model):
    """The account ``user`` was erased: its row stays as an anonymous placeholder
    (so certificates, orders and others' records that point at it keep their
    meaning) and nobody can sign in to it. ``by_admin`` tells who asked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure"
    )
    erased_at = models.DateTimeField()
    by_admin = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"account {self.user_id} erased at {self.erased_at:%Y-%m-%d}"
