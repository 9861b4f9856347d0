"""Logging: JSON lines on stdout (``portal/observability.py``) for the web process
and, through ``portal/celery.py``'s ``setup_logging`` receiver, for Celery workers."""

from . import env

SLOW_REQUEST_SECONDS = env.float("SLOW_REQUEST_SECONDS", default=1.0)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.observability.JSONFormatter"}},
    "filters": {"celery_task": {"()": "portal.observability.CeleryTaskFilter"}},
    "handlers": {
        "stdout": {
            "()": "portal.observability.StdoutHandler",
            "formatter": "json",
            "filters": ["celery_task"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces these two; keep their errors only.
        "django.server": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
        # Wagtail's background tasks log every run at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}
