"""The CPU the serving processes use during a measured window, read from ``/proc``.

    python -m bench.served_cpu OUT.json DELAY SECONDS GUNICORN_MASTER_PID

Waits ``DELAY`` seconds (the ramp and the settle time), then counts for ``SECONDS``
the cores used by gunicorn (the master and its workers, including a worker started
inside the window), PostgreSQL, Nginx, Redis and locust, and by the whole machine
(``/proc/stat``), and writes them as JSON for ``bench/report.py``. With the run's
requests per second it gives the CPU a *served* request costs, which on a virtual
machine can be several times ``bench/cpu.py``'s hot-loop figure (README,
"Seventh pass"), and it tells a slow run on a busy host from a slow run on a
quiet one.
"""

from __future__ import annotations

import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "postgres", "nginx", "redis", "locust")


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks, command line)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        found[int(entry)] = (
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
            command or comm,
        )
    return found


def group(pid: int, table: dict, master: int) -> str | None:
    parent, _, command = table[pid]
    if pid == master or parent == master:
        return "gunicorn"
    if "locust" in command:
        return "locust"
    program = command.split(" ", 1)[0]
    return next((name for name in GROUPS[1:4] if name in program), None)


def machine_busy() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


def measure(seconds: float, master: int) -> dict:
    before, busy_before = processes(), machine_busy()
    started = time.monotonic()
    time.sleep(seconds)
    after, busy_after = processes(), machine_busy()
    elapsed = time.monotonic() - started
    cores = dict.fromkeys(GROUPS, 0.0)
    for pid, (_, ticks, _) in after.items():
        name = group(pid, after, master)
        if name is None:
            continue
        # A process started inside the window (a recycled worker): all of its CPU.
        start = before[pid][1] if pid in before else 0
        cores[name] += (ticks - start) / TICKS / elapsed
    busy = (busy_after[0] - busy_before[0]) / TICKS / elapsed
    return {
        **{name: round(value, 3) for name, value in cores.items()},
        "machine": round(busy, 3),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    out, delay, seconds, master = sys.argv[1], *map(float, sys.argv[2:4]), sys.argv[4]
    time.sleep(delay)
    with open(out, "w") as f:
        json.dump(measure(seconds, int(master)), f)


if __name__ == "__main__":
    main()
