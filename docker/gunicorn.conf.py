"""gunicorn, as ``make bench`` measured it (README, "Performance").

A request to the portal is mostly Python (1-3 ms of CPU) with short waits on
PostgreSQL and Redis, so the processes that run Python should match the cores and
a few threads per process cover the waits: more processes only add memory and
context switches, more threads only queue requests on the GIL. Requests that cannot
be served soon are refused (``portal/overload.py``, Nginx's queue limits) instead of
waiting here.

Environment: ``GUNICORN_WORKERS`` (default: 2 per core), ``GUNICORN_THREADS``
(default 4), ``GUNICORN_BIND``, ``GUNICORN_TIMEOUT``, ``GUNICORN_ACCESS_LOG`` (off;
``-``: stdout), ``GUNICORN_GC_THRESHOLD``, ``GUNICORN_SWITCH_INTERVAL_MS``,
``GUNICORN_MAX_REQUESTS`` (below),
``PROMETHEUS_MULTIPROC_DIR``. A number that is malformed or out of range stops
gunicorn at start with one line naming the setting (``number``).

Metrics (``GET /metrics``, ``portal.metrics``): each worker process counts its own
requests, so ``prometheus_client`` runs in multiprocess mode, every worker writing
its series to files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape, answered by any
worker, summing them. The folder must be set before the application (and so
``prometheus_client``) is imported, which is why it is chosen here; it is emptied when
gunicorn starts (series of a previous run would otherwise be added in) and a dead
worker is marked so (``child_exit``).
"""

import gc
import math
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

# A folder of this gunicorn's own unless one is given (unset or empty).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")


def number(name: str, default, *, minimum, kind=int):
    """The environment's ``name`` as a number of at least ``minimum`` (unset or
    empty: ``default``). Anything else stops gunicorn at start with one line naming
    the setting, not a traceback from deep inside the configuration."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < minimum:
        raise SystemExit(
            f"{name}={raw!r} is not valid: a {'whole ' if kind is int else ''}"
            f"number of at least {minimum} is expected."
        )
    return value


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = number("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count(), minimum=1)
threads = number("GUNICORN_THREADS", 4, minimum=1)
worker_class = "gthread"
# Connections a process accepts beyond its busy threads wait inside it, where no one
# can refuse them: keep that queue short, so that overload shows up at once in the
# kernel's backlog (below) and as 502/503 from Nginx rather than as minutes of wait.
worker_connections = number("GUNICORN_WORKER_CONNECTIONS", 2 * threads, minimum=1)
# A stuck request is killed after this; the overload guard answers 503 long before.
timeout = number("GUNICORN_TIMEOUT", 30, minimum=0)  # 0: no timeout (gunicorn)
graceful_timeout = 20
keepalive = 5
# Connections beyond this wait in the kernel's queue no longer: they are refused and
# Nginx answers 502/503 at once rather than holding them for half a minute.
backlog = number("GUNICORN_BACKLOG", 256, minimum=1)
# Recycle workers now and then (memory growth of long-lived processes), staggered.
# A recycled worker drops the connections Nginx keeps to it and starts cold, so
# recycling is rare and spread out: at 20,000 (+ up to 2,000) requests the four
# workers of a 2-core box, started together, all restarted within 25 s of each other
# every ~4.5 minutes of full load (``make bench``, 2,500 learners: 551 requests/s
# and p95 26 s with the restarts in the run, 612 and 17 s without). Under the
# 500-learner load a worker's memory grows by ~0.5 kB per request once warm (275 ->
# 290 MB over ~20,000). Default ``GUNICORN_MAX_REQUESTS`` 100,000 (0: never) plus
# up to half of it again: a worker restarts after 100,000-150,000 requests (~20-35
# minutes of full load, ~+50-75 MB).
max_requests = number("GUNICORN_MAX_REQUESTS", 100_000, minimum=0)
max_requests_jitter = max_requests // 2
# Loads the app once before forking: faster start, shared memory pages.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Each request is logged once, by the portal (``portal.observability``: a JSON line
# with the request id, user, status and duration) and by Nginx; gunicorn's own
# access log would be a third copy costing ~50 us of CPU per request (``make
# bench``). ``GUNICORN_ACCESS_LOG=-`` turns it on (stdout).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
control_socket_disable = True


def on_starting(server):
    """Empty the metrics folder (its ``*.db`` files) before the first worker
    starts."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.glob("*.db"):
        entry.unlink()


# Python's cyclic garbage collector, in each worker. At the interpreter's default
# (a young collection every 700 net allocations) a worker under the 500-learner load
# of ``make bench`` collected ~60 times a second, and with four threads in flight
# each collection promoted their live objects to the older generations, so that
# full collections of the app's ~300,000 objects came every ~15 s, each stopping
# every thread of the worker for ~0.6 s: 10 % of the workers' CPU, and requests
# that happened to be in that worker waited. A young collection every 50,000
# allocations (~1 a second, ~40 ms of CPU) leaves few objects to promote: no full
# collection in a minute, 5 % of the CPU (measured with ``gc.callbacks`` in the
# workers). At most ~50,000 unreachable cyclic objects (a few MB) wait for the next
# collection. ``GUNICORN_GC_THRESHOLD``: the three thresholds of
# ``gc.set_threshold``, comma-separated (default ``50000,10,10``). ``gc.freeze()``
# in the master before forking was measured too (twice): more CPU, not less.
def gc_threshold(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """One to three whole numbers ≥ 0, comma-separated (``gc.set_threshold``)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        parts = tuple(int(part) for part in raw.split(","))
    except ValueError:
        parts = ()
    if not 1 <= len(parts) <= 3 or min(parts) < 0:
        raise SystemExit(
            f"{name}={raw!r} is not valid: one to three whole numbers of at least 0, "
            "comma-separated, are expected."
        )
    return parts


GC_THRESHOLD = gc_threshold("GUNICORN_GC_THRESHOLD", (50000, 10, 10))


# How long a thread may keep the GIL while another waits for it
# (``sys.setswitchinterval``), in each worker. A request thread coming back from
# PostgreSQL or Redis needs the GIL again; while another thread of its worker runs
# Python it waits up to the interval, once per round trip (a module progress report
# makes eight). At Python's default of 5 ms a small echo round trip beside three
# busy threads took p95 45 ms; at 1 ms, 7 ms. Under ``make bench`` (500 viewers
# beside 500 learners, API p95/p99 in ms, runs alternated on one host): 5 ms
# 118/294, 35/94, 53/111, 20/42; 1 ms 54/101, 28/59; 0.5 ms 19/43, 23/54, 14/34,
# with no more CPU for gunicorn and no fewer requests served at saturation (2,500
# learners: 788 requests/s at 5 ms, 814 at 0.5). ``GUNICORN_SWITCH_INTERVAL_MS``
# (default 0.5).
SWITCH_INTERVAL_MS = number(
    "GUNICORN_SWITCH_INTERVAL_MS", 0.5, minimum=0.001, kind=float
)


def post_fork(server, worker):
    """In the new worker: the garbage collector's thresholds (``GC_THRESHOLD``) and
    the GIL's switch interval (``SWITCH_INTERVAL_MS``)."""
    gc.set_threshold(*GC_THRESHOLD)
    sys.setswitchinterval(SWITCH_INTERVAL_MS / 1000)


def child_exit(server, worker):
    """A worker that exited: its live gauges no longer count (its counters and
    histograms do: they are totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
