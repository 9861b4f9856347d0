from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import hooks as portal_hooks

from ..events import event_get
from ..models import Notification
from ..selectors import event_enabled

logger = logging.getLogger(__name__)


def notify(
    *,
    user: Any,
    event: str,
    payload: dict | None = None,
    key: str | None = None,
) -> Notification | None:
    """Record ``event`` for ``user`` and deliver it after the caller's transaction
    commits. With ``key``, at most once per key for ever: a second call (a retried
    task, a second beat process) returns ``None`` and sends nothing. ``payload`` is
    JSON the templates read; keep it to what the message shows."""
    event_get(event)  # an undeclared event fails here, where it is written
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, event=event, payload=payload or {}, key=key
            )
    except IntegrityError:
        if key is None:
            raise
        return None
    from ..tasks import deliver_notification

    transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one recorded notification through every channel, once: the row is
    locked and marked sent in one transaction, so a task delivered twice by the
    broker sends once. A person who turned the event off gets nothing (recorded as
    skipped); an inactive account gets nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, sent_at__isnull=True, skipped_reason="")
            .first()
        )
        if notification is None:
            return None
        user = notification.user
        if not user.is_active:
            notification.skipped_reason = "inactive"
        elif not event_enabled(user=user, event=notification.event):
            notification.skipped_reason = "unsubscribed"
        if notification.skipped_reason:
            notification.save(update_fields=["skipped_reason"])
            return notification
        notification.channels = portal_hooks.notification_deliver_all(
            user=user, event=notification.event, payload=notification.payload
        )
        notification.sent_at = timezone.now()
        notification.save(update_fields=["channels", "sent_at"])
    return notification
