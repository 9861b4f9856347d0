"""The checks behind ``/health/``, built on django-health-check's probes.

Each check has a budget of ``HEALTH_CHECK_TIMEOUT_SECONDS``; they run concurrently, so
the endpoint answers within about that budget even when a dependency hangs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import connections
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.psutil import Disk, Memory
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as AsyncRedis

_executor = ThreadPoolExecutor(max_workers=5, thread_name_prefix="health")
_MIN_TIMEOUT = datetime.timedelta(seconds=0.5)


@dataclasses.dataclass
class ThreadSafeDatabase(Database):
    """The database probe, closing the connection its worker thread opened."""

    def run(self):
        try:
            super().run()
        finally:
            connections.close_all()


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _budget() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.HEALTH_CHECK_TIMEOUT_SECONDS)


def configured_checks() -> dict[str, HealthCheck]:
    budget = _budget()
    checks: dict[str, HealthCheck] = {
        "database": ThreadSafeDatabase(),
        "cache": Cache(timeout=budget),
        "disk_space": Disk(
            path=str(_existing_parent(Path(settings.MEDIA_ROOT))),
            max_disk_usage_percent=settings.HEALTH_DISK_MAX_USAGE_PERCENT,
        ),
        "memory": Memory(
            max_memory_usage_percent=settings.HEALTH_MEMORY_MAX_USAGE_PERCENT
        ),
    }
    broker = settings.CELERY_BROKER_URL
    if broker:  # the architecture's broker is Redis
        checks["broker"] = Redis(
            client_factory=lambda: AsyncRedis.from_url(
                broker,
                socket_connect_timeout=settings.HEALTH_CHECK_TIMEOUT_SECONDS,
                socket_timeout=settings.HEALTH_CHECK_TIMEOUT_SECONDS,
            )
        )
    for check in checks.values():
        # get_result() waits timeout + 1 s; keep the whole probe within the budget.
        check.timeout = max(budget - datetime.timedelta(seconds=1), _MIN_TIMEOUT)
    return checks


async def _run_all(checks: dict[str, HealthCheck]) -> dict[str, dict]:
    results = await asyncio.gather(
        *(check.get_result(_executor) for check in checks.values())
    )
    report = {}
    for name, result in zip(checks, results, strict=True):
        entry = {"status": "ok", "time_ms": round(result.time_taken * 1000, 1)}
        if result.error is not None:
            entry["status"] = "error"
            entry["error"] = str(result.error)
        report[name] = entry
    return report


def run_checks() -> dict[str, dict]:
    """Run every configured check concurrently; returns ``{name: {status, …}}``."""
    return asyncio.run(_run_all(configured_checks()))
