"""Prometheus metrics: ``GET /metrics`` and the series behind it.

- ``instruments``: the series this process counts (requests, latency, 5xx, Celery
  task durations). Under gunicorn's several workers (or Celery's prefork children)
  they live in ``PROMETHEUS_MULTIPROC_DIR`` and are summed at scrape time.
- ``collectors``: values read at scrape time (``ScrapeGauge``) and Celery's queue
  lengths in Redis; other apps add theirs through ``portal.hooks.METRICS``.
- ``registry``: what one scrape reads; ``views``: the protected ``/metrics``;
  ``server``: the same for a Celery worker, on ``CELERY_METRICS_PORT``.
"""
