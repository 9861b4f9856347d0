from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One notification for one person: written in the sender's transaction,
    delivered by a Celery task after commit. ``key`` makes sending idempotent: a
    second ``notify`` with the same key (a reminder computed twice, two beat
    processes) finds the first row and sends nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a delivery started (a claim against a second, concurrent delivery).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channels = models.JSONField(default=list, blank=True)
    skipped_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} to user {self.user_id}"


class NotificationPreference(models.Model):
    """A person's choice for one optional event; no row means the default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], name="notification_pref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {'on' if self.enabled else 'off'}"
