"""Print the benchmark's tables from locust's CSV files (``bench/run.sh``).

.venv/bin/python -m bench.report var/bench
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

VIDEO_NAMES = {"video master", "video playlist", "video segment"}


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _num(row: dict, key: str) -> float:
    try:
        return float(row.get(key) or 0)
    except ValueError:
        return 0.0


def _combined(rows: list[dict], names) -> dict:
    """Request-weighted figures over the rows named ``names`` (percentiles: the
    worst of them, weighted; an approximation that errs on the slow side)."""
    chosen = [r for r in rows if r["Name"] in names and r["Type"] != ""]
    count = sum(_num(r, "Request Count") for r in chosen)
    if not count:
        return {"count": 0}

    def weighted(key: str) -> float:
        return sum(_num(r, key) * _num(r, "Request Count") for r in chosen) / count

    return {
        "count": count,
        "rps": sum(_num(r, "Requests/s") for r in chosen),
        "failures": sum(_num(r, "Failure Count") for r in chosen),
        "p50": weighted("50%"),
        "p95": weighted("95%"),
        "p99": weighted("99%"),
        "p95_max": max(_num(r, "95%") for r in chosen),
        "p99_max": max(_num(r, "99%") for r in chosen),
    }


def _row(rows: list[dict], name: str) -> dict:
    return next((r for r in rows if r["Name"] == name), {})


def _served(path: Path, rate_row: dict) -> str:
    """gunicorn's cores, its CPU ms per request of ``rate_row``'s rate and the
    machine's busy cores, as three table cells (``-`` when not measured)."""
    if not path.exists():
        return "- | - | -"
    cpu = json.loads(path.read_text())
    rate = _num(rate_row, "Requests/s")
    per_request = f"{1000 * cpu['gunicorn'] / rate:.1f}" if rate else "-"
    return f"{cpu['gunicorn']:.2f} | {per_request} | {cpu['machine']:.2f}"


def api_table(run: Path, out) -> None:
    files = sorted(
        run.glob("locust/api-*_stats.csv"),
        key=lambda p: int(p.name.split("-")[1].split("_")[0]),
    )
    if not files:
        return
    out.write(
        "\nAPI load (the plan's scenario; percentiles in ms; 'all' is every API "
        "request,\n'bare' the do-nothing Django view in the same run)\n\n"
    )
    out.write(
        "| users | requests/s | failures | p50 | p95 | p99 | bare p50 | bare p95 "
        "| p95 / bare p95 | gunicorn cores | CPU ms per request | machine busy |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    for path in files:
        users = path.name.split("-")[1].split("_")[0]
        rows = _rows(path)
        total = _row(rows, "Aggregated")
        bare = _row(rows, "bare view")
        ratio = _num(total, "95%") / max(_num(bare, "95%"), 1)
        served = _served(run / "locust" / f"api-{users}-cpu.json", total)
        out.write(
            f"| {users} | {_num(total, 'Requests/s'):.0f} "
            f"| {int(_num(total, 'Failure Count'))} "
            f"| {_num(total, '50%'):.0f} | {_num(total, '95%'):.0f} "
            f"| {_num(total, '99%'):.0f} | {_num(bare, '50%'):.0f} "
            f"| {_num(bare, '95%'):.0f} | {ratio:.1f} | {served} |\n"
        )
    out.write(
        "(gunicorn cores, the CPU per request served (gunicorn's CPU over the "
        "requests/s) and the machine's busy cores: read from /proc over the "
        "measured part of the run, bench/served_cpu.py.)\n"
    )
    out.write("\nPer endpoint at the first size:\n\n")
    out.write("| endpoint | requests | failures | p50 | p95 | p99 |\n")
    out.write("|---|---|---|---|---|---|\n")
    for row in _rows(files[0]):
        if row["Name"] == "Aggregated":
            continue
        out.write(
            f"| {row['Name']} | {int(_num(row, 'Request Count'))} "
            f"| {int(_num(row, 'Failure Count'))} | {_num(row, '50%'):.0f} "
            f"| {_num(row, '95%'):.0f} | {_num(row, '99%'):.0f} |\n"
        )


def video_table(run: Path, out) -> None:
    files = list(run.glob("locust/video-*_stats.csv"))
    if not files:
        return
    out.write("\nVideo viewers through Nginx beside the API load (ms)\n\n")
    out.write(
        "| viewers + learners | segment p50 | segment p95 | segment p99 | "
        "segment failures | playlist p95 | API p95 | API p99 | slowest endpoint "
        "p95 | API failures | gunicorn cores | CPU ms per API request | machine "
        "busy |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    exact = run / "locust" / "video-api.json"
    times = json.loads(exact.read_text()) if exact.exists() else {}
    for path in files:
        label = path.name.split("-", 1)[1].rsplit("_", 1)[0]
        rows = _rows(path)
        segment = _row(rows, "video segment")
        playlist = _row(rows, "video playlist")
        api_names = {r["Name"] for r in rows} - VIDEO_NAMES - {"Aggregated"}
        api = _combined(rows, api_names)
        served = _served(
            run / "locust" / "video-cpu.json", {"Requests/s": api.get("rps", 0)}
        )
        out.write(
            f"| {label} | {_num(segment, '50%'):.0f} | {_num(segment, '95%'):.0f} "
            f"| {_num(segment, '99%'):.0f} | {int(_num(segment, 'Failure Count'))} "
            f"| {_num(playlist, '95%'):.0f} | {times.get('p95', 0):.0f} "
            f"| {times.get('p99', 0):.0f} | {api.get('p95_max', 0):.0f} "
            f"| {int(api.get('failures', 0))} | {served} |\n"
        )
    out.write(
        "(playlist: the variant, from Nginx on its signed URL; each viewer reads "
        "the master playlist through Django once, during the ramp; API p95/p99: "
        "over every API request measured in that run; slowest endpoint: "
        "the highest p95 of one endpoint.)\n"
    )


def main() -> None:
    run = Path(sys.argv[1] if len(sys.argv) > 1 else "var/bench")
    out = sys.stdout
    meta = run / "meta.json"
    if meta.exists():
        info = json.loads(meta.read_text())
        out.write(
            f"\nmachine: {info.get('machine')}, cpus: {os.cpu_count()}, "
            f"size: {info.get('size')}, gunicorn: {info.get('gunicorn')}\n"
        )
        out.write(f"load average before the runs: {info.get('load_before')}\n")
        if info.get("settle"):
            out.write(
                f"figures from {info['settle']} s after the ramp (the sign-ins' "
                "queue drained) to the end of each run\n"
            )
    loads = run / "loads.txt"
    if loads.exists():
        out.write(loads.read_text())
    cpu = run / "cpu.txt"
    if cpu.exists():
        out.write("\nCPU per request, in process (ms; Django's side only)\n\n")
        out.write(cpu.read_text())
    api_table(run, out)
    video_table(run, out)


if __name__ == "__main__":
    main()
