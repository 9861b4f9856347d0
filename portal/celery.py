"""The Celery application, configured from Django settings (``CELERY_`` namespace).

Start a worker with ``celery -A portal worker`` (add ``-Q default,media`` for the video
queue) and the scheduler with ``celery -A portal beat``.
"""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def configure_worker_logging(**kwargs) -> None:
    """Apply Django's ``LOGGING`` in workers and beat, so they write the same JSON
    lines as the web process (with the running task's id and name, see
    ``portal.observability.CeleryTaskFilter``) instead of Celery's plain text.

    Connecting this receiver is what stops Celery from hijacking the root logger and
    redirecting stdout; ``LOG_LEVEL`` sets the level, as for the web process.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@app.task(name="portal.ping")
def ping() -> str:
    """Answer ``pong``: lets health checks and tests see a worker round trip."""
    return "pong"
