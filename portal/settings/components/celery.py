"""Celery (read by ``portal/celery.py`` through the ``CELERY_`` namespace). The broker
defaults to Redis; without one, tasks run eagerly in the web process."""

from datetime import timedelta

from celery.schedules import crontab

from . import env
from .backups import BACKUP_NIGHTLY, BACKUP_NIGHTLY_HOUR, BACKUP_NIGHTLY_MINUTE
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
# With Redis as broker, a task taken by a worker that then dies (SIGKILL, OOM, the
# machine) comes back only after the visibility timeout. It must exceed the longest
# a task may run, or a long transcode would be handed to a second worker while the
# first still works; so it is the time limit plus a margin. Recovery does not wait
# for it: each kind of deferred work has a sweeper on beat below (videos whose
# heartbeat stopped, unsent notifications, missing certificates) that acts within
# minutes, and every task is idempotent, so the late re-delivery does nothing.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 300,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A request never hangs on a broker outage: publishing gives up after one quick
# retry and ``portal.queue`` leaves the work to its sweeper.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Nothing waits for task results (work reports through the database), so sending a
# task never touches the result backend: with results on, every send subscribes to
# the result channel in Redis, and a Redis outage would hang the request on the
# backend's retries. A task whose result is awaited says ``ignore_result=False``.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Four queues, so that one kind of work cannot starve another and each can have
# workers of its own (docker/compose.yaml runs one per queue): long video transcodes
# on ``media``; mail and other messages to people on ``notifications``; calls to
# outside systems (partners' webhooks, payment providers), which may hang until
# their timeouts, on ``integrations``; everything else on ``default``. The
# metrics report each queue's length (``portal_celery_queue_length``).
CELERY_QUEUE_NAMES = ["default", "media", "notifications", "integrations"]
CELERY_TASK_ROUTES = {
    "content.transcode_video": {"queue": "media"},
    "notifications.deliver": {"queue": "notifications"},
    "accounts.send_password_reset_email": {"queue": "notifications"},
    "corporate.send_invitation": {"queue": "notifications"},
    "webhooks.deliver": {"queue": "integrations"},
    "payments.capture_paypal_order": {"queue": "integrations"},
}
CELERY_TIMEZONE = "UTC"
# Periodic schedules are declared here, in one place.
CELERY_BEAT_SCHEDULE: dict = {
    "publish-scheduled-pages": {"task": "content.publish_scheduled", "schedule": 60.0},
    "requeue-stuck-videos": {"task": "content.requeue_stuck_videos", "schedule": 60.0},
    "redeliver-notifications": {"task": "notifications.redeliver", "schedule": 120.0},
    "issue-missing-certificates": {
        "task": "learning.issue_missing_certificates",
        "schedule": 300.0,
    },
    "deliver-due-webhooks": {"task": "webhooks.deliver_due", "schedule": 60.0},
    "anchor-audit-chains": {
        "task": "audit.anchor_write",
        "schedule": timedelta(minutes=AUDIT_ANCHOR_INTERVAL_MINUTES),
    },
    # Reminders 24 h and 1 h before mentoring sessions; each message has an
    # idempotency key, so a second beat process sends nothing twice.
    "mentoring-session-reminders": {
        "task": "mentorship.send_reminders",
        "schedule": timedelta(minutes=5),
    },
    "mentoring-weekly-digest": {
        "task": "mentorship.send_weekly_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Mondays 06:00 UTC: representatives who opted in get their organization's week.
    "corporate-weekly-reports": {
        "task": "corporate.weekly_reports",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),
    },
    "expire-job-files": {"task": "jobs.expire_files", "schedule": timedelta(hours=1)},
    # Jobs whose task was lost (broker down when sent) are sent again.
    "requeue-stale-jobs": {"task": "jobs.requeue_stale", "schedule": 120.0},
    # Nightly 03:30 UTC: every linked learner's Discord roles are compared with
    # their courses and repaired (learning.community); nothing when Discord is off.
    "reconcile-discord-roles": {
        "task": "community.reconcile_discord",
        "schedule": crontab(minute=30, hour=3),
    },
    # The session registry keeps 90 days of ended sign-ins (portal.accounts).
    "prune-sign-in-sessions": {
        "task": "accounts.prune_sign_in_sessions",
        "schedule": crontab(minute=30, hour=3),
    },
}
if BACKUP_NIGHTLY:
    # A backup to BACKUP_DIR or STORAGES["backups"], then retention (portal.backups).
    CELERY_BEAT_SCHEDULE["nightly-backup"] = {
        "task": "backups.nightly",
        "schedule": crontab(minute=BACKUP_NIGHTLY_MINUTE, hour=BACKUP_NIGHTLY_HOUR),
    }
