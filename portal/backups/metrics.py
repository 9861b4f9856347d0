"""Backup age on ``/metrics`` (``portal.hooks.METRICS``): the alert "no backup for
more than a day" reads ``portal_backup_age_seconds``."""

import math
import time

from portal.metrics.collectors import ScrapeGauge

from .selectors import backup_latest


def _age() -> float:
    latest = backup_latest()
    return time.time() - latest["started_at"] if latest else math.inf


def _last_success() -> float:
    latest = backup_latest()
    return latest["started_at"] if latest else 0.0


def _size() -> float:
    latest = backup_latest()
    return float(latest["bytes"]) if latest else 0.0


def backup_metrics_register(*, registry) -> None:
    registry.register(
        ScrapeGauge(
            "portal_backup_age_seconds",
            "Seconds since the newest complete backup was taken (+Inf: none).",
            _age,
        )
    )
    registry.register(
        ScrapeGauge(
            "portal_backup_last_success_timestamp_seconds",
            "When the newest complete backup was taken (Unix time; 0: none).",
            _last_success,
        )
    )
    registry.register(
        ScrapeGauge(
            "portal_backup_size_bytes",
            "Size of the newest complete backup's files.",
            _size,
        )
    )
