"""A real worker process against the real Redis broker."""

import subprocess
import sys
import time

import pytest
from django.conf import settings

from portal.celery import app, ping
from tests.support import ROOT, clean_env

pytestmark = pytest.mark.worker


@pytest.fixture
def worker():
    queue = f"test-{time.monotonic_ns()}"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=_url(settings.DATABASES["default"]),
        REDIS_URL=settings.REDIS_URL,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _url(db: dict) -> str:
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def not_eager():
    app.conf.update(task_always_eager=False)
    yield
    app.conf.update(task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER)


def test_a_task_round_trips_through_a_real_worker(worker, not_eager):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = ping.apply_async(queue=worker)
    assert result.get(timeout=60) == "pong"
    assert result.successful()


def test_tasks_run_eagerly_in_unit_tests():
    assert ping.delay().get(timeout=1) == "pong"
