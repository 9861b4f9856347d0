"""A real worker process against the real Redis broker."""

import json
import logging
import time

import pytest
from django.conf import settings

from portal.celery import app, ping
from tests.worker import real_worker


@pytest.mark.worker
def test_a_task_round_trips_through_a_real_worker(worker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = ping.apply_async(queue=worker)
    assert result.get(timeout=60) == "pong"
    assert result.successful()


def test_tasks_run_eagerly_in_unit_tests():
    assert app.conf.task_always_eager
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.worker
def test_a_worker_logs_json_lines_with_the_task_id_and_name(tmp_path):
    log = tmp_path / "worker.log"
    with log.open("w") as out, real_worker(stdout=out) as queue:
        result = ping.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"
        task_field = f'"task_id": "{result.id}"'
        deadline = time.monotonic() + 15
        while task_field not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        # Read while the worker runs: on shutdown Celery prints one plain line.
        output = log.read_text()

    # Every line parses: Celery's plain-text handlers are not installed.
    lines = [json.loads(line) for line in output.splitlines() if line]
    task_lines = [line for line in lines if line.get("task_id") == result.id]
    assert task_lines, lines
    assert task_lines[0]["task_name"] == "portal.ping"
    assert task_lines[0]["logger"].startswith("celery")


@app.task(name="tests.log_inside_a_task")
def log_inside_a_task() -> None:
    logging.getLogger("tests.task").warning("inside the task")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_records_logged_inside_a_task_carry_its_id_and_name(capsys):
    result = log_inside_a_task.apply()

    line = next(
        line
        for line in json_lines(capsys.readouterr().out)
        if line["message"] == "inside the task"
    )
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.log_inside_a_task"


def test_records_outside_a_task_have_no_task_fields(capsys):
    logging.getLogger("tests.task").warning("outside any task")

    line = next(
        line
        for line in json_lines(capsys.readouterr().out)
        if line["message"] == "outside any task"
    )
    assert "task_id" not in line
    assert "task_name" not in line
