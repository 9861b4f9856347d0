"""This app's answers to the personal-data extension points (``portal.hooks``):
a person's notifications and preferences; others' notifications naming them."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers
from portal.redaction import as_text, contains_any, person_needles, redact_json

from .models import Notification, NotificationPreference

RELATIONS = (
    "notifications.Notification.user",
    "notifications.NotificationPreference.user",
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "notifications.notifications": list(
            Notification.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("event", "payload", "created_at", "sent_at", "channels")
        ),
        "notifications.preferences": list(
            NotificationPreference.objects.filter(user=user).values(
                "event", "enabled", "updated_at"
            )
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    needles = person_needles(user)
    own = Notification.objects.filter(user=user)
    own_rows = own.count()
    own.delete()
    preferences = NotificationPreference.objects.filter(user=user)
    preference_rows = preferences.count()
    preferences.delete()
    naming = (
        Notification.objects.annotate(**as_text("payload"))
        .exclude(user=user)
        .filter(contains_any("payload", needles, json_field=True))
    )
    changed = 0
    for notification in naming:
        redacted = redact_json(notification.payload, needles)
        if redacted != notification.payload:
            notification.payload = redacted
            notification.save(update_fields=["payload"])
            changed += 1
    return [
        Erasure("notifications.Notification", Erasure.DELETED, own_rows),
        Erasure(
            "notifications.NotificationPreference", Erasure.DELETED, preference_rows
        ),
        Erasure(
            "notifications.Notification",
            Erasure.ANONYMIZED,
            changed,
            "Other people's notifications stay theirs; the person's name and "
            "address in them are removed.",
        ),
    ]
