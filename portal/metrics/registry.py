"""What one scrape of ``/metrics`` reads, built once per process.

With ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn's workers, Celery's prefork children)
every process writes its series to files there and a scrape, answered by whichever
worker, sums them (``MultiProcessCollector``); without it (``make run``, tests) the
process's own default registry is read. The apps' scrape-time collectors
(``portal.hooks.METRICS``) are added to the web's registry.
"""

from __future__ import annotations

import os
from functools import cache

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from portal.hooks import metrics_register_all


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class _ThisProcess:
    """The default registry (this process's counters, its ``process_*`` series)."""

    def collect(self):
        yield from REGISTRY.collect()


def process_registry() -> CollectorRegistry:
    """The series counted by this process, or by all of them in multiprocess mode."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    return registry


@cache
def scrape_registry() -> CollectorRegistry:
    """``process_registry`` plus every app's scrape-time collectors."""
    registry = process_registry()
    metrics_register_all(registry=registry)
    return registry
