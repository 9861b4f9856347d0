"""The series counted in this process.

Names follow Prometheus' conventions (base units, ``_total`` for counters). Labels
stay few and bounded: ``route`` is the URL pattern's name (``resolver_match``), never
the raw path, so ``/api/v1/courses/17`` and ``/api/v1/courses/18`` are one series.
"""

from prometheus_client import Counter, Histogram

# Seconds; the p95 alert (docker/prometheus/alerts.yml) reads these buckets.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TASK_BUCKETS = (0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

HTTP_REQUESTS = Counter(
    "portal_http_requests",
    "HTTP requests answered, by method, route and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
HTTP_ERRORS = Counter(
    "portal_http_server_errors",
    "HTTP requests answered with a 5xx status, by method and route.",
    ["method", "route"],
)
TASK_DURATION = Histogram(
    "portal_celery_task_duration_seconds",
    "Time a Celery task ran, by task name and final state (SUCCESS, FAILURE, RETRY).",
    ["task", "state"],
    buckets=TASK_BUCKETS,
)
