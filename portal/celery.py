"""The Celery application, configured from Django settings (``CELERY_`` namespace).

Start a worker with ``celery -A portal worker`` (add ``-Q default,media`` for the video
queue) and the scheduler with ``celery -A portal beat``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="portal.ping")
def ping() -> str:
    """Answer ``pong``: lets health checks and tests see a worker round trip."""
    return "pong"
