"""Shed load instead of queueing it: a request that waited in the queues in front of
Django (Nginx, the gunicorn backlog, a busy worker) for longer than
``OVERLOAD_MAX_QUEUE_MS`` is answered 503 at once, with ``Retry-After``, before any
work is done for it. Its client gave up or is about to; serving it late only makes
every request behind it late too, which is how a box at capacity ends up answering
everyone in 30 s. ``/health/`` is never shed (a load balancer must see the box is
alive and busy, not dead).

Nginx stamps each request with the time it arrived (``X-Request-Start: t=<seconds>``,
``docker/nginx.conf``); without the header (``runserver``, tests) nothing is shed.
A client that forges the header can only get its own request refused.
"""

import time

from django.conf import settings
from django.http import JsonResponse

from portal.api.views import api_error

EXEMPT_PREFIXES = ("/health/",)


def queued_ms(request) -> float | None:
    raw = request.META.get("HTTP_X_REQUEST_START", "")
    if raw.startswith("t="):
        raw = raw[2:]
    try:
        started = float(raw)
    except ValueError:
        return None
    return (time.time() - started) * 1000


class OverloadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.OVERLOAD_MAX_QUEUE_MS
        if limit and not request.path_info.startswith(EXEMPT_PREFIXES):
            waited = queued_ms(request)
            if waited is not None and waited > limit:
                return overloaded()
        return self.get_response(request)


def overloaded() -> JsonResponse:
    """The API's error envelope, so clients handle it like any other error."""
    response = api_error(
        status=503,
        code="SERVICE_UNAVAILABLE",
        message="The server is busy; try again in a moment.",
    )
    response["Retry-After"] = "1"
    response["Cache-Control"] = "no-store"
    # Not an error of the server's code: Django's "Service Unavailable" error log
    # line per shed request would only add work when there is none to spare.
    response._has_been_logged = True
    return response
