"""Structured logs: JSON lines on stdout and one access line per request."""

import json
import logging
import sys
import time
from datetime import UTC, datetime

from celery import current_task
from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

request_logger = logging.getLogger("portal.request")

# Attributes every LogRecord has; anything else was passed through ``extra``.
_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class CeleryTaskFilter(logging.Filter):
    """Adds ``task_id`` and ``task_name`` to every record logged while a Celery task
    runs (in a worker, or eagerly in the web process), so a task's lines can be
    found among all the others."""

    def filter(self, record: logging.LogRecord) -> bool:
        task = current_task
        if task and task.request.id:
            record.task_id = task.request.id
            record.task_name = task.name
        return True


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at the time of the record, not the stream
    of the moment logging was configured (test runners and servers swap it)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


class RequestLogMiddleware:
    """Times each request, sets ``X-Response-Time`` and logs one line per request;
    requests slower than ``SLOW_REQUEST_SECONDS`` are logged as warnings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        duration_ms = round(duration * 1000, 2)
        response["X-Response-Time"] = f"{duration_ms}ms"
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
        }
        slow = duration >= settings.SLOW_REQUEST_SECONDS
        request_logger.log(
            logging.WARNING if slow else logging.INFO,
            "slow request" if slow else "request",
            extra=fields,
        )
        return response


def _user_id(request) -> int | None:
    # Only report a user someone already resolved: resolving it here could query a
    # database that is down while /health/ reports exactly that.
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None
