"""Celery (read by ``portal/celery.py`` through the ``CELERY_`` namespace). The broker
defaults to Redis; without one, tasks run eagerly in the web process."""

from datetime import timedelta

from . import env
from .cache import REDIS_URL
from .security import AUDIT_ANCHOR_INTERVAL_MINUTES

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 60
)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Video transcoding has a queue of its own, so a worker can be dedicated to it.
CELERY_TASK_ROUTES = {"content.transcode_video": {"queue": "media"}}
CELERY_TIMEZONE = "UTC"
# Periodic schedules are declared here, in one place.
CELERY_BEAT_SCHEDULE: dict = {
    "publish-scheduled-pages": {"task": "content.publish_scheduled", "schedule": 60.0},
    "deliver-due-webhooks": {"task": "webhooks.deliver_due", "schedule": 60.0},
    "anchor-audit-chains": {
        "task": "audit.anchor_write",
        "schedule": timedelta(minutes=AUDIT_ANCHOR_INTERVAL_MINUTES),
    },
}
