"""This app's series on ``/metrics`` (``portal.hooks.METRICS``)."""

from portal.metrics.collectors import ScrapeGauge

from .selectors import video_transcoding_backlog


def _backlog() -> dict[tuple[str], float]:
    return {
        (status,): float(count) for status, count in video_transcoding_backlog().items()
    }


def content_metrics_register(*, registry) -> None:
    registry.register(
        ScrapeGauge(
            "portal_video_transcoding_backlog",
            "Videos waiting to be transcoded (uploaded) or being transcoded "
            "(processing).",
            _backlog,
            labels=["status"],
        )
    )
