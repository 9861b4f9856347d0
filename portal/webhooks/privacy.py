"""This app's answers to the personal-data extension points (``portal.hooks``):
endpoints an administrator registered, and outbox events naming a person."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers
from portal.redaction import as_text, contains_any, person_needles, redact_json

from .models import WebhookEndpoint, WebhookEvent

RELATIONS = ("webhooks.WebhookEndpoint.created_by",)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "webhooks.endpoints_created": list(
            WebhookEndpoint.objects.filter(created_by=user)
            .order_by("created_at")
            .values("url", "description", "events", "created_at")
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    needles = person_needles(user)
    changed = 0
    naming = WebhookEvent.objects.annotate(**as_text("payload")).filter(
        contains_any("payload", needles, json_field=True)
    )
    for event in naming:
        redacted = redact_json(event.payload, needles)
        if redacted != event.payload:
            event.payload = redacted
            event.save(update_fields=["payload"])
            changed += 1
    return [
        Erasure(
            "webhooks.WebhookEndpoint",
            Erasure.KEPT,
            WebhookEndpoint.objects.filter(created_by=user).count(),
            "A partner's endpoint belongs to the organization; it points at the "
            "anonymized account.",
        ),
        Erasure(
            "webhooks.WebhookEvent",
            Erasure.ANONYMIZED,
            changed,
            "Events for partners are kept for delivery and its history; the "
            "person's name and address in them are removed.",
        ),
    ]
