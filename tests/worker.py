"""A real Celery worker process for tests that must cross the broker."""

import subprocess
import sys
import time
from contextlib import contextmanager
from typing import IO

from django.conf import settings

from portal.celery import app
from tests.support import ROOT, clean_env, subprocess_database_url


@contextmanager
def real_worker(queue: str | None = None, stdout: IO | None = None, **extra_env: str):
    """Run ``celery -A portal worker`` on the test database and Redis; yields the queue
    it consumes. Tasks are sent for real while it runs (eager mode is switched off).
    The worker's log lines go to ``stdout`` (a file) when given; ``extra_env`` adds
    environment variables (its settings)."""
    queue = queue or f"test-{time.monotonic_ns()}"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=subprocess_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        **extra_env,
    )
    # --quiet: no start-up banner, so the output is JSON log lines only.
    command = [sys.executable, "-m", "celery", "-A", "portal", "--quiet", "worker"]
    command += ["--pool", "solo", "--queues", queue, "--loglevel", "WARNING"]
    command += ["--without-gossip", "--without-mingle"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=stdout or subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    app.conf.update(task_always_eager=False)
    try:
        yield queue
    finally:
        app.conf.update(task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
