from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal import hooks as portal_hooks
from portal.queue import enqueue, enqueue_on_commit

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

    enqueue_on_commit(deliver_notification, args=(notification.pk,))
    return notification


def notifications_redeliver(*, older_than_minutes: int) -> list[int]:
    """Queue again every notification still unsent ``older_than_minutes`` after it
    was written (its task was lost: the broker was down at commit, or a worker died).
    Delivery is idempotent, so a notification queued twice is sent once."""
    from ..tasks import deliver_notification

    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    ids = list(
        Notification.objects.filter(
            sent_at__isnull=True, skipped_reason="", created_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )
    for notification_id in ids:
        if not enqueue(deliver_notification, args=(notification_id,)):
            break
    return ids


# A delivery that started this long ago and never finished (its worker died
# mid-send) may be taken over by the next one.
CLAIM_MINUTES = 10


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one recorded notification through every channel.

    The row is claimed (``claimed_at``) in a short update, so a task the broker
    delivers twice sends once; the sending itself (SMTP, outside services) runs
    outside any transaction and holds no row lock. A send that fails releases the
    claim and raises, so the task's retry sends again. A worker that dies between
    sending and recording leaves a claim that goes stale after ``CLAIM_MINUTES``:
    the sweeper then sends again (at least once, never lost). A person who turned
    the event off, or an inactive account, gets nothing (recorded as skipped)."""
    now = timezone.now()
    unsent = Notification.objects.filter(
        pk=notification_id, sent_at__isnull=True, skipped_reason=""
    )
    claimed = unsent.filter(
        Q(claimed_at__isnull=True)
        | Q(claimed_at__lt=now - timezone.timedelta(minutes=CLAIM_MINUTES))
    ).update(claimed_at=now)
    if not claimed:
        return None
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    user = notification.user
    if not user.is_active:
        notification.skipped_reason = "inactive"
    elif not event_enabled(user=user, event=notification.event):
        notification.skipped_reason = "unsubscribed"
    if notification.skipped_reason:
        notification.save(update_fields=["skipped_reason"])
        return notification
    try:
        channels = portal_hooks.notification_deliver_all(
            user=user, event=notification.event, payload=notification.payload
        )
    except BaseException:
        Notification.objects.filter(pk=notification_id).update(claimed_at=None)
        raise
    notification.channels = channels
    notification.sent_at = timezone.now()
    notification.save(update_fields=["channels", "sent_at"])
    return notification
