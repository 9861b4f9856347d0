"""This app's series on ``/metrics`` (``portal.hooks.METRICS``)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal.metrics.collectors import ScrapeGauge

from .selectors import active_learner_count


def _active_learners() -> float:
    window = timedelta(minutes=settings.METRICS_ACTIVE_WINDOW_MINUTES)
    return float(active_learner_count(since=timezone.now() - window))


def learning_metrics_register(*, registry) -> None:
    registry.register(
        ScrapeGauge(
            "portal_active_learners",
            "Distinct learners who recorded progress in the last "
            "METRICS_ACTIVE_WINDOW_MINUTES (15) minutes.",
            _active_learners,
        )
    )
