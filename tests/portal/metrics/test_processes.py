"""/metrics under real servers: gunicorn with two worker processes (the series of
both are summed, whichever answers the scrape), and a Celery worker's own endpoint."""

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from portal.celery import ping
from tests.support import ROOT, clean_env, subprocess_database_url
from tests.worker import real_worker

from .conftest import TOKEN, parse, value

REQUESTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-3000:])
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on {url}")


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn from portal.wsgi with docker/gunicorn.conf.py, two workers, the test
    settings and database; yields ``(base url, metrics folder)``."""
    port = free_port()
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"stale file of an earlier run")
    env = clean_env(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=subprocess_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(tmp_path / "media"),
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--config",
            "docker/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/metrics", process)
        yield base, folder
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def worker_pids(folder: Path) -> set[str]:
    return {
        path.stem.rsplit("_", 1)[1]
        for path in folder.glob("*.db")
        if path.stem.startswith("counter_")
    }


def get(url: str, **headers) -> httpx.Response:
    # A connection per request, so that both workers take some.
    return httpx.get(url, headers={"Connection": "close", **headers}, timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db
def test_two_gunicorn_workers_answer_the_same_totals(gunicorn):
    base, folder = gunicorn
    assert get(f"{base}/metrics").status_code == 403
    assert get(f"{base}/metrics", Authorization="Bearer wrong").status_code == 403

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(
            pool.map(
                lambda n: get(f"{base}/api/v1/courses/{900000 + n}").status_code,
                range(REQUESTS),
            )
        )
    assert statuses == [404] * REQUESTS

    # Both processes counted some of them (and the stale file is gone).
    pids = worker_pids(folder)
    assert len(pids) == 2, pids
    assert "1" not in pids
    labels = {"method": "GET", "route": "course-detail", "status": "404"}
    for _ in range(6):  # answered by either worker: the same sums
        response = get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
        assert response.status_code == 200
        samples = parse(response.text)
        assert value(samples, "portal_http_requests_total", **labels) == REQUESTS
        assert (
            value(
                samples,
                "portal_http_request_duration_seconds_count",
                method="GET",
                route="course-detail",
            )
            == REQUESTS
        )
    names = {name for name, _ in samples}
    assert {
        "portal_http_requests_total",
        "portal_http_request_duration_seconds_bucket",
        "portal_celery_queue_length",
        "portal_video_transcoding_backlog",
        "portal_active_learners",
        "portal_backup_age_seconds",
        "portal_disk_free_bytes",
    } <= names


@pytest.mark.worker
@pytest.mark.django_db
def test_a_celery_worker_serves_its_task_durations():
    port = free_port()
    with real_worker(CELERY_METRICS_PORT=str(port), METRICS_TOKEN=TOKEN) as queue:
        assert ping.apply_async(queue=queue).get(timeout=60) == "pong"
        url = f"http://127.0.0.1:{port}/metrics"
        deadline = time.monotonic() + 30
        while True:
            try:
                refused = get(url)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the worker serves no metrics"
                time.sleep(0.3)
        assert refused.status_code == 403
        response = get(url, Authorization=f"Bearer {TOKEN}")

    assert response.status_code == 200
    samples = parse(response.text)
    name = "portal_celery_task_duration_seconds_count"
    assert value(samples, name, task="portal.ping", state="SUCCESS") == 1


def test_gunicorn_config_always_gives_the_workers_a_metrics_folder(tmp_path):
    """An empty PROMETHEUS_MULTIPROC_DIR (as copied from .env.example) would put
    prometheus_client in single-process mode: each worker counting alone."""
    code = (
        "import os, runpy, pathlib;"
        "runpy.run_path('docker/gunicorn.conf.py');"
        "folder = os.environ['PROMETHEUS_MULTIPROC_DIR'];"
        "print(folder if folder and pathlib.Path(folder).is_dir() else 'MISSING')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(PROMETHEUS_MULTIPROC_DIR="", TMPDIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() not in ("", "MISSING")
