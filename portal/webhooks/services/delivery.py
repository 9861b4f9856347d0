from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal import hooks as portal_hooks

from ..models import DeliveryStatus, WebhookDelivery


def _backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: the base, doubling, capped."""
    seconds = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_WAIT_SECONDS))


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send a pending delivery that is due, once, and record how the endpoint
    answered: 2xx succeeds; anything else is retried after an exponential backoff
    until ``WEBHOOKS_RETRY_WINDOW_SECONDS`` after the event, then the delivery is
    failed. ``None`` when it is not due, not pending, or another worker holds it.

    The row is claimed (``next_attempt_at`` cleared) in a short transaction and the
    partner is called outside any transaction, so a slow partner holds no lock; a
    worker killed mid-call leaves the row for the sweep
    (``webhook_deliveries_due``), which re-claims rows left claimed too long.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(
                pk=delivery_id,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if delivery is None:
            return None
        # Claimed: nobody else picks it up until this attempt is recorded (or the
        # sweep decides the worker died).
        delivery.next_attempt_at = now + timedelta(
            seconds=settings.WEBHOOKS_TIMEOUT_SECONDS * 3 + 60
        )
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["next_attempt_at", "attempts", "last_attempt_at"])

    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.is_active:
        status, error = None, "endpoint disabled"
    else:
        status, error = portal_hooks.webhook_transport().send(
            url=endpoint.url,
            secret=endpoint.secret,
            message_id=event.message_id,
            timestamp=now,
            body=json.dumps(event.payload, separators=(",", ":")),
        )

    delivery.response_status = status
    delivery.last_error = error[:500]
    finished = timezone.now()
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = finished
        delivery.next_attempt_at = None
    else:
        retry_at = finished + _backoff(delivery.attempts)
        window_ends = event.created_at + timedelta(
            seconds=settings.WEBHOOKS_RETRY_WINDOW_SECONDS
        )
        if retry_at > window_ends or not endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = retry_at
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status,
        response_status=delivery.response_status,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        next_attempt_at=delivery.next_attempt_at,
    )
    if delivery.status == DeliveryStatus.PENDING:
        from ..tasks import deliver_webhook

        countdown = max(0.0, (delivery.next_attempt_at - finished).total_seconds())
        deliver_webhook.apply_async((delivery.pk,), countdown=countdown)
    return delivery


def webhook_deliveries_due(*, limit: int = 500) -> list[int]:
    """Queue every pending delivery whose time has come (a lost task, a worker that
    died mid-call); beat runs it every minute. Returns the queued ids."""
    from ..tasks import deliver_webhook

    ids = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        deliver_webhook.delay(pk)
    return ids
