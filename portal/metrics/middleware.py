"""Counts and times every request for ``/metrics``."""

import time

from .instruments import HTTP_ERRORS, HTTP_LATENCY, HTTP_REQUESTS

KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}
)
# Requests no URL pattern matched (404s for random paths) share one series.
UNMATCHED = "unmatched"


def route_of(request) -> str:
    """The name of the URL pattern that answered ``request`` (``"health"``,
    ``"wagtail_serve"``, ``"course-detail"``...), the pattern itself when it has no
    name, ``"unmatched"`` when none did."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class PrometheusMiddleware:
    """First in ``MIDDLEWARE``, so the time covers every other middleware; a view's
    exception has become a 500 response by the time it gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in KNOWN_METHODS else "other"
        route = route_of(request)
        HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(method, route).observe(elapsed)
        if response.status_code >= 500:
            HTTP_ERRORS.labels(method, route).inc()
        return response
