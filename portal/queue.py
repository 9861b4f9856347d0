"""Sending work to Celery without letting a broker outage break the request.

A request that wrote something and wants a task to follow (deliver a notification,
issue a certificate, transcode a video) calls ``enqueue_on_commit``. When the
broker (Redis) does not answer, the request still succeeds: its data is committed,
the send is logged, and the work is picked up by the sweeper that owns that kind of
work (``portal.notifications`` re-delivers unsent notifications, ``content``
re-queues videos left waiting, ``learning`` issues missing certificates), each on
Celery beat. Publishing gives up quickly (``CELERY_TASK_PUBLISH_RETRY_POLICY``), so
an outage costs a request well under a second, not a hang.

A task whose answer the person waits for cannot be deferred; there the caller uses
``enqueue`` and turns ``False`` into a 503 (``portal.errors.ServiceUnavailable``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_OUTAGE = (KombuOperationalError, RedisError, ConnectionError, TimeoutError)


def enqueue(task: Any, *, args: tuple = (), queue: str | None = None) -> bool:
    """Publish ``task(*args)``; ``False`` (logged) when the broker is unreachable."""
    options = {"queue": queue} if queue else {}
    try:
        task.apply_async(args, **options)
    except BROKER_OUTAGE as error:
        logger.warning(
            "task not queued: broker unreachable; its sweeper will retry",
            extra={"task_name": task.name, "error": type(error).__name__},
        )
        return False
    return True


def enqueue_on_commit(task: Any, *, args: tuple = (), queue: str | None = None) -> None:
    """``enqueue`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, args=args, queue=queue))
