"""docker/gunicorn.conf.py: the garbage collector's thresholds and the GIL's switch
interval in each worker (README, Performance: full collections stopped a worker for
~0.6 s under load; threads back from a query waited up to 5 ms for the GIL) and
how rarely workers are recycled (all four restarted together every few minutes)."""

import gc
import runpy
import sys

import pytest

from tests.support import ROOT

CONF = str(ROOT / "docker" / "gunicorn.conf.py")


@pytest.fixture
def load_conf(monkeypatch, tmp_path):
    """Loads the configuration as gunicorn does (its metrics folder in tmp_path,
    not this process's); the test process's thresholds are restored afterwards."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    before = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(700, 10, 10)  # the interpreter's defaults
    sys.setswitchinterval(0.005)
    yield lambda: runpy.run_path(CONF)
    gc.set_threshold(*before[0])
    sys.setswitchinterval(before[1])


def test_a_new_worker_collects_young_objects_every_50000_allocations(load_conf):
    load_conf()["post_fork"](None, None)
    assert gc.get_threshold() == (50000, 10, 10)


def test_the_thresholds_come_from_the_environment_when_set(load_conf, monkeypatch):
    monkeypatch.setenv("GUNICORN_GC_THRESHOLD", "20000,5,20")
    load_conf()["post_fork"](None, None)
    assert gc.get_threshold() == (20000, 5, 20)


def test_an_empty_setting_means_the_default(load_conf, monkeypatch):
    monkeypatch.setenv("GUNICORN_GC_THRESHOLD", "")
    load_conf()["post_fork"](None, None)
    assert gc.get_threshold() == (50000, 10, 10)


def test_loading_the_configuration_leaves_the_master_as_it_is(load_conf):
    load_conf()
    assert gc.get_threshold() == (700, 10, 10)
    assert sys.getswitchinterval() == 0.005


def test_a_new_worker_hands_the_gil_over_after_half_a_millisecond(load_conf):
    load_conf()["post_fork"](None, None)
    assert sys.getswitchinterval() == pytest.approx(0.0005)


def test_the_switch_interval_comes_from_the_environment_when_set(
    load_conf, monkeypatch
):
    monkeypatch.setenv("GUNICORN_SWITCH_INTERVAL_MS", "5")
    load_conf()["post_fork"](None, None)
    assert sys.getswitchinterval() == pytest.approx(0.005)
    monkeypatch.setenv("GUNICORN_SWITCH_INTERVAL_MS", "")
    load_conf()["post_fork"](None, None)
    assert sys.getswitchinterval() == pytest.approx(0.0005)


def test_workers_are_recycled_rarely_and_spread_out(load_conf):
    conf = load_conf()
    assert conf["max_requests"] == 100_000
    assert conf["max_requests_jitter"] == 50_000


def test_recycling_follows_the_environment_and_zero_turns_it_off(
    load_conf, monkeypatch
):
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "40000")
    conf = load_conf()
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (40_000, 20_000)
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
    assert load_conf()["max_requests"] == 0


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("GUNICORN_WORKERS", "four"),
        ("GUNICORN_WORKERS", "0"),
        ("GUNICORN_THREADS", "-1"),
        ("GUNICORN_THREADS", "2.5"),
        ("GUNICORN_TIMEOUT", "-1"),
        ("GUNICORN_BACKLOG", "1e3"),
        ("GUNICORN_MAX_REQUESTS", "-5"),
        ("GUNICORN_SWITCH_INTERVAL_MS", "0"),
        ("GUNICORN_SWITCH_INTERVAL_MS", "nan"),
        ("GUNICORN_SWITCH_INTERVAL_MS", "inf"),
        ("GUNICORN_SWITCH_INTERVAL_MS", "fast"),
        ("GUNICORN_GC_THRESHOLD", "50000,ten,10"),
        ("GUNICORN_GC_THRESHOLD", "1,2,3,4"),
        ("GUNICORN_GC_THRESHOLD", "-1"),
    ],
)
def test_a_bad_number_stops_gunicorn_with_one_line_naming_it(
    load_conf, monkeypatch, name, raw
):
    monkeypatch.setenv(name, raw)
    with pytest.raises(SystemExit) as stopped:
        load_conf()
    message = str(stopped.value.code)
    assert message.startswith(f"{name}={raw!r} is not valid")
    assert "\n" not in message


def test_numbers_in_range_are_taken_as_given(load_conf, monkeypatch):
    for name, raw in [
        ("GUNICORN_WORKERS", " 3 "),
        ("GUNICORN_THREADS", "8"),
        ("GUNICORN_TIMEOUT", "45"),
        ("GUNICORN_BACKLOG", "64"),
        ("GUNICORN_SWITCH_INTERVAL_MS", "2.5"),
        ("GUNICORN_GC_THRESHOLD", "0"),
    ]:
        monkeypatch.setenv(name, raw)
    conf = load_conf()
    assert (conf["workers"], conf["threads"], conf["timeout"], conf["backlog"]) == (
        3,
        8,
        45,
        64,
    )
    assert conf["worker_connections"] == 16
    assert conf["SWITCH_INTERVAL_MS"] == 2.5
    assert conf["GC_THRESHOLD"] == (0,)


def test_gunicorn_itself_refuses_to_start_on_a_bad_number(tmp_path):
    """The real gunicorn checking its configuration and the portal's application:
    a bad number is exit status 1 with the one-line message and no traceback; the
    same command with a good one passes."""
    import os
    import subprocess

    def check(threads: str):
        return subprocess.run(
            [
                *(sys.executable, "-m", "gunicorn", "--check-config"),
                *("-c", CONF, "portal.wsgi:application"),
            ],
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "GUNICORN_THREADS": threads,
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
            },
            timeout=120,
            cwd=ROOT,
        )

    refused = check("many")
    assert refused.returncode == 1
    output = refused.stderr + refused.stdout
    assert "GUNICORN_THREADS='many' is not valid" in output
    assert "Traceback" not in output
    accepted = check("3")
    assert accepted.returncode == 0, accepted.stderr
