"""The Celery application, configured from Django settings (``CELERY_`` namespace).

Start a worker for every queue with
``celery -A portal worker -Q default,media,notifications,integrations``
(``settings.CELERY_TASK_ROUTES`` says which task goes where; docker/compose.yaml runs
one worker per queue) and the scheduler with ``celery -A portal beat``.

This module does not choose the settings: ``portal/__init__.py`` imports it in every
process, before ``wsgi.py``/``asgi.py`` default to production and ``manage.py`` to
development, so a default here would win over theirs. The worker's starters set
``DJANGO_SETTINGS_MODULE`` (``make worker``: dev; ``docker/start-worker.sh`` and
``start-beat.sh``: prod).
"""

import logging.config

from celery import Celery
from celery.signals import setup_logging

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The app of every thread, not only of the one that imported this module: a
# ``shared_task`` resolves its app per call, and in a thread of its own (gunicorn's
# gthread workers serve each request in one) Celery would otherwise fall back to an
# unconfigured app of its own, which ignores CELERY_TASK_ROUTES and the default
# queue and sends to a queue no worker consumes.
app.set_default()


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


@app.task(name="portal.ping", ignore_result=False)
def ping() -> str:
    """Answer ``pong``: lets health checks and tests see a worker round trip."""
    return "pong"
