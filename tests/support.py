"""Helpers for tests that need a fresh process (settings are read at start-up)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables the portal reads; a subprocess starts without them unless a test sets them.
PORTAL_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_BACKEND",
    "SECURE_HSTS_PRELOAD",
    "HEALTH_TOKEN",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "MEDIA_ROOT",
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_REGION_NAME",
    "AWS_LOCATION",
    "DATABASE_REPLICA_URL",
    "METRICS_TOKEN",
    "METRICS_ALLOWED_NETWORKS",
    "PROMETHEUS_MULTIPROC_DIR",
    "CELERY_METRICS_PORT",
}


def clean_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    env.update(overrides)
    return env


def run_python(
    code: str, *, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_manage(*args: str, timeout: float = 120, **env: str):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def result_of(output: str) -> dict:
    """The JSON a subprocess printed after ``RESULT `` (other lines are logs). A log
    record from another thread may land right after it, before ``print``'s newline:
    only the JSON value itself is read."""
    for line in output.splitlines():
        if line.startswith("RESULT "):
            value, _end = json.JSONDecoder().raw_decode(line.removeprefix("RESULT "))
            return value
    raise AssertionError(f"no RESULT line in output:\n{output}")


def subprocess_database_url() -> str:
    """The URL of the test database pytest-django created, for subprocesses."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def system_tool(name: str) -> str:
    """The path of a system program the suite drives (``nginx``, ``openssl``),
    looked up on PATH and in /usr/sbin. Missing, the test fails rather than skips:
    ``make test`` installs them (scripts/ensure_nginx.sh), and a check of our
    Nginx configuration that quietly skipped would prove nothing."""
    import pytest

    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(
            f"{name} is missing: run scripts/ensure_nginx.sh (make test does).",
            pytrace=False,
        )
    return found
