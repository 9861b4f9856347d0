"""Celery task durations, from the task signals (every process that runs tasks)."""

import os
import time

from celery.signals import (
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_shutdown,
)

from .instruments import TASK_DURATION

# task id -> perf_counter at start; a task that never finishes (killed worker)
# leaves one entry in a process that is gone anyway.
_started: dict[str, float] = {}


@task_prerun.connect
def task_started(task_id=None, **kwargs) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_postrun.connect
def task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    if started is None or task is None:
        return
    TASK_DURATION.labels(task.name, state or "UNKNOWN").observe(
        time.perf_counter() - started
    )


@worker_init.connect
def serve_worker_metrics(**kwargs) -> None:
    """A worker's own series on ``CELERY_METRICS_PORT`` (see ``server``)."""
    from django.conf import settings

    if settings.CELERY_METRICS_PORT:
        from .server import metrics_server_start

        metrics_server_start(port=settings.CELERY_METRICS_PORT)


@worker_process_shutdown.connect
def forget_worker_process(pid=None, **kwargs) -> None:
    """A prefork child's live gauges go with it (prometheus_client's rule)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
