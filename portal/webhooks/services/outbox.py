from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from portal import hooks as portal_hooks

from ..events import EVENTS
from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def webhook_event_emit(*, event: str, data: dict[str, Any]) -> WebhookEvent | None:
    """Publish ``event`` to the portal's own followers (``portal.hooks.DOMAIN_EVENT``)
    and write it to the outbox, with one delivery per active endpoint that
    subscribed to it, in the caller's transaction: if the change rolls back, so does
    the event, and an event is never sent for a change that did not happen. The
    deliveries are queued after commit. ``None`` (nothing written) when no endpoint
    subscribed.

    ``data`` is the event's JSON (ids and the facts a partner needs, no more); the
    message is ``{"type", "timestamp", "data"}`` as Standard Webhooks suggests."""
    if event not in EVENTS:
        raise KeyError(f"undeclared webhook event {event!r}")
    # The portal's own followers first (Discord roles ...), subscribed or not.
    portal_hooks.domain_event_publish(event=event, data=data)
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).only(
            "pk", "events"
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return None
    payload = {
        "type": event,
        "timestamp": timezone.now().isoformat(),
        "data": _json_safe(data),
    }
    outbox = WebhookEvent.objects.create(type=event, payload=payload)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=outbox, next_attempt_at=now)
        for endpoint in endpoints
    )
    from ..tasks import deliver_webhook

    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: [deliver_webhook.delay(pk) for pk in ids])
    return outbox


def _json_safe(data: Any) -> Any:
    """Decimals, dates and UUIDs as DjangoJSONEncoder writes them."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
