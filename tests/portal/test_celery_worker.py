"""A real worker process against the real Redis broker."""

import pytest
from django.conf import settings

from portal.celery import app, ping

pytestmark = pytest.mark.worker


def test_a_task_round_trips_through_a_real_worker(worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = ping.apply_async(queue=worker)
    assert result.get(timeout=60) == "pong"
    assert result.successful()


def test_tasks_run_eagerly_in_unit_tests():
    assert app.conf.task_always_eager
    assert ping.delay().get(timeout=1) == "pong"
