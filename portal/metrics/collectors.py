"""Values read when ``/metrics`` is scraped, not counted as they happen.

A count in the database or a queue's length is the same whichever web process is
asked, so it is read at scrape time (cheap, indexed queries; one Redis round trip)
instead of being kept per process. A collector that fails (the database or Redis is
down) leaves its series out of that scrape and logs why; the rest still answer, and
Prometheus' ``absent()`` or the ``up`` series tells the operator.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

Reading = float | Mapping[tuple[str, ...], float]


class ScrapeGauge:
    """A gauge whose value ``read()`` returns at each scrape: a number, or ``{label
    values: number}`` when ``labels`` are given. Register it with
    ``registry.register(ScrapeGauge(...))`` from a ``portal.hooks.METRICS``
    answer."""

    def __init__(
        self,
        name: str,
        documentation: str,
        read: Callable[[], Reading],
        *,
        labels: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.read = read
        self.labels = list(labels)

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Lets the registry refuse a second collector of the same name.
        yield GaugeMetricFamily(self.name, self.documentation, labels=self.labels)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            reading = self.read()
        except Exception:
            logger.warning(
                "metric not collected", exc_info=True, extra={"metric": self.name}
            )
            return
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        if self.labels:
            for label_values, value in reading.items():
                family.add_metric(list(label_values), value)
        else:
            family.add_metric([], reading)
        yield family


# kombu's Redis transport keeps a queue's messages of priority n (0 < n <= 9) in a
# list of its own, "<queue>\x06\x16<n>"; messages without a priority in "<queue>".
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def celery_queue_lengths() -> dict[tuple[str], float]:
    """``LLEN`` of each of ``CELERY_QUEUE_NAMES`` in the broker (with its priority
    lists), in one pipelined round trip."""
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        pipe = client.pipeline(transaction=False)
        for queue in settings.CELERY_QUEUE_NAMES:
            pipe.llen(queue)
            for step in _PRIORITY_STEPS:
                pipe.llen(f"{queue}{_PRIORITY_SEPARATOR}{step}")
        lengths = pipe.execute()
    finally:
        client.close()
    per_queue = len(_PRIORITY_STEPS) + 1
    return {
        (queue,): float(sum(lengths[i * per_queue : (i + 1) * per_queue]))
        for i, queue in enumerate(settings.CELERY_QUEUE_NAMES)
    }


def celery_metrics_register(*, registry) -> None:
    """Queue lengths, where there is a broker (``make run`` runs tasks eagerly)."""
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        registry.register(
            ScrapeGauge(
                "portal_celery_queue_length",
                "Messages waiting in each Celery queue (Redis LLEN).",
                celery_queue_lengths,
                labels=["queue"],
            )
        )


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk_usage(
    paths: Mapping[str, Path], *, field: str
) -> Callable[[], dict[tuple[str], float]]:
    """A reader of ``shutil.disk_usage(path).<field>`` (``free``, ``total``) of the
    file system under each of ``paths`` (``{volume name: path}``)."""

    def read() -> dict[tuple[str], float]:
        return {
            (volume,): float(getattr(shutil.disk_usage(_existing(Path(path))), field))
            for volume, path in paths.items()
        }

    return read


def disk_gauges(paths: Mapping[str, Path]) -> list[ScrapeGauge]:
    """Free and total bytes of each volume of ``paths`` (the disk alert reads
    ``portal_disk_free_bytes / portal_disk_size_bytes``)."""
    return [
        ScrapeGauge(
            "portal_disk_free_bytes",
            "Free bytes on the file system of each volume the portal writes.",
            disk_usage(paths, field="free"),
            labels=["volume"],
        ),
        ScrapeGauge(
            "portal_disk_size_bytes",
            "Size in bytes of the file system of each volume the portal writes.",
            disk_usage(paths, field="total"),
            labels=["volume"],
        ),
    ]


def disk_metrics_register(*, registry) -> None:
    """The media volume and the backup folder (when backups are kept locally)."""
    paths = {"media": Path(settings.MEDIA_ROOT)}
    if "backups" not in settings.STORAGES:
        paths["backups"] = Path(settings.BACKUP_DIR)
    for gauge in disk_gauges(paths):
        registry.register(gauge)
