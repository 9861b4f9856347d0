#!/usr/bin/env python
"""Fault drill: break Redis, PostgreSQL, a Celery worker and the disk under a
portal served the production way, and print what each fault did.

    make drill            # or: .venv/bin/python scripts/fault_drill.py [--quick]

Everything runs on this machine in a throw-away sandbox, so the drill never touches
the services other work uses: its own PostgreSQL cluster (initdb in a temporary
folder, a free port), its own Redis server, MEDIA_ROOT on a 96 MiB tmpfs (so the
disk can really fill up), gunicorn from ``portal.wsgi`` with
``portal.settings.prod``, a Celery worker and beat. Needs root (tmpfs, running
PostgreSQL as ``postgres``), PostgreSQL's server binaries, redis-server and ffmpeg
(``scripts/ensure_services.sh`` and ``scripts/ensure_runtime.sh`` install them).

The four faults (issue 13):

1. Redis stopped: anonymous and signed-in reads, a login, a write that queues
   work, ``/health/``. Expected: reads and logins 200, the write 2xx or a clear
   503, health 503 naming Redis; never a 500.
2. PostgreSQL restarted under traffic: a stream of catalog reads while the server
   restarts. Expected: 200s (a 503 with Retry-After during the restart is
   counted separately; a 500 is a failure).
3. Celery worker SIGKILLed mid-transcode of a 30 s 1080p upload, then restarted.
   Expected: the transcode runs again within a few minutes (beat's sweeper), the
   video is never ``ready`` half-done, the partial output is cleaned.
4. Disk full during upload. Expected: 507 with a clear message, no video row, no
   half-written file.

``--quick`` lowers the stuck-video threshold to one minute (the default is
``VIDEO_STUCK_MINUTES``=3) so fault 3 takes about two minutes instead of five.
Exit status 0 when every fault behaved as expected.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
STUDENT = ("student@example.org", "learn-Demo-2026!")
INSTRUCTOR = ("instructor@example.org", "teach-Demo-2026!")
HEALTH_TOKEN = "drill-health-token"  # noqa: S105  # nosec B105 - a throw-away sandbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit(f"PostgreSQL's {name} not found (apt install postgresql)")
    return str(found[-1])


@dataclass
class Row:
    fault: str
    observed: str
    expected: str
    ok: bool


@dataclass
class Sandbox:
    quick: bool
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="drill-")))
    procs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.web_port = free_port()
        self.pg_data = self.base / "pg"
        self.media = self.base / "media"
        self.url = f"http://127.0.0.1:{self.web_port}"

    # --- services ------------------------------------------------------------
    def as_postgres(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            text=True,
        )

    def start_postgres(self) -> None:
        if not self.pg_data.exists():
            self.pg_data.mkdir(parents=True)
            shutil.chown(self.pg_data, "postgres", "postgres")
            self.base.chmod(0o755)
            self.as_postgres(
                pg_bin("initdb"),
                "-D",
                str(self.pg_data),
                "-A",
                "trust",
                "-U",
                "postgres",
            )
        self.as_postgres(
            pg_bin("pg_ctl"),
            "-D",
            str(self.pg_data),
            "-w",
            "-l",
            str(self.pg_data / "log"),
            "-o",
            f"-p {self.pg_port} -k /tmp -c listen_addresses=127.0.0.1",
            "start",
        )

    def restart_postgres(self) -> None:
        self.as_postgres(
            pg_bin("pg_ctl"),
            "-D",
            str(self.pg_data),
            "-w",
            "-l",
            str(self.pg_data / "log"),
            "-m",
            "fast",
            "-o",
            f"-p {self.pg_port} -k /tmp -c listen_addresses=127.0.0.1",
            "restart",
        )

    def stop_postgres(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.as_postgres(
                pg_bin("pg_ctl"), "-D", str(self.pg_data), "-m", "immediate", "stop"
            )

    def start_redis(self) -> None:
        self.procs["redis"] = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.redis_port)

    def stop_redis(self) -> None:
        proc = self.procs.pop("redis", None)
        if proc:
            proc.terminate()
            proc.wait(10)

    def mount_media(self) -> None:
        self.media.mkdir()
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(self.media)],
            check=True,
        )

    # --- the portal ------------------------------------------------------------
    def env(self) -> dict:
        redis = f"redis://127.0.0.1:{self.redis_port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/portal",
            "REDIS_URL": f"{redis}/0",
            "SECRET_KEY": "drill-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.base / "mail"),
            "MEDIA_ROOT": str(self.media),
            "STATIC_ROOT": str(self.base / "static"),
            "HEALTH_TOKEN": HEALTH_TOKEN,
            "SECURE_SSL_REDIRECT": "false",
            "AUDIT_ANCHOR_FILE": str(self.base / "anchors.jsonl"),
            "PYTHONUNBUFFERED": "1",
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(b"d" * 32).decode(),
            # The demo instructor has no authenticator app to enrol here.
            "MFA_REQUIRED_ROLES": "",
        }
        if self.quick:
            env["VIDEO_STUCK_MINUTES"] = "1"
            env["VIDEO_TRANSCODE_HEARTBEAT_SECONDS"] = "10"
        return env

    def manage(self, *args: str) -> None:
        done = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(
                f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
            )

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        self.procs[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def start_web(self) -> None:
        self.start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "portal.wsgi",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                "2",
                "--timeout",
                "120",
            ],
        )
        wait_for_port(self.web_port)

    def start_worker(self) -> None:
        self.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "-Q",
                "default,media,notifications,integrations",
                "-c",
                "1",
                "--loglevel",
                "INFO",
            ],
        )

    def start_beat(self) -> None:
        self.start(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.base / "beat-schedule"),
            ],
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait(30)

    def close(self) -> None:
        for name in list(self.procs):
            if name == "redis":
                self.stop_redis()
            else:
                self.kill(name, signal.SIGTERM)
        self.stop_postgres()
        subprocess.run(["umount", "-l", str(self.media)], check=False)
        shutil.rmtree(self.base, ignore_errors=True)


# --- the client --------------------------------------------------------------------


def client(box: Sandbox) -> httpx.Client:
    # X-Forwarded-Proto: the production settings redirect plain HTTP.
    return httpx.Client(
        base_url=box.url, timeout=120, headers={"X-Forwarded-Proto": "https"}
    )


def token(box: Sandbox, who: tuple[str, str]) -> str:
    with client(box) as c:
        r = c.post("/api/v1/auth/login", json={"email": who[0], "password": who[1]})
        r.raise_for_status()
        return r.json()["data"]["token"]


def make_video(path: Path, seconds: int, size: str) -> Path:
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={size}:rate=30:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def upload(box: Sandbox, auth: str, path: Path) -> httpx.Response:
    with client(box) as c, path.open("rb") as f:
        return c.post(
            "/api/v1/videos",
            headers={"Authorization": f"Bearer {auth}"},
            data={"title": "Drill"},
            files={"file": (path.name, f, "video/mp4")},
        )


def video_status(box: Sandbox, auth: str, video_id: int) -> dict:
    with client(box) as c:
        r = c.get(
            f"/api/v1/videos/{video_id}", headers={"Authorization": f"Bearer {auth}"}
        )
        return r.json()["data"] or {}


# --- the faults --------------------------------------------------------------------


def fault_redis(box: Sandbox) -> Row:
    student = token(box, STUDENT)
    instructor = token(box, INSTRUCTOR)
    box.stop_redis()
    time.sleep(1)
    seen: dict[str, int] = {}
    with client(box) as c:
        auth = {"Authorization": f"Bearer {student}"}
        seen["catalog (anonymous)"] = c.get("/api/v1/courses").status_code
        seen["catalog (signed in)"] = c.get("/api/v1/courses", headers=auth).status_code
        seen["my courses"] = c.get("/api/v1/users/me/courses", headers=auth).status_code
        seen["login"] = c.post(
            "/api/v1/auth/login", json={"email": STUDENT[0], "password": STUDENT[1]}
        ).status_code
        seen["forgot password (queues mail)"] = c.post(
            "/api/v1/auth/forgot-password", json={"email": STUDENT[0]}
        ).status_code
        small = make_video(box.base / "small.mp4", 2, "320x240")
        seen["video upload (queues transcode)"] = upload(
            box, instructor, small
        ).status_code
        health = c.get("/health/", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"})
    box.start_redis()
    names_redis = "redis" in health.text.lower() or "cache" in health.text.lower()
    reads_ok = all(
        seen[k] == 200
        for k in ("catalog (anonymous)", "catalog (signed in)", "my courses", "login")
    )
    writes_ok = all(
        seen[k] in (200, 201, 202, 503)
        for k in ("forgot password (queues mail)", "video upload (queues transcode)")
    )
    ok = reads_ok and writes_ok and health.status_code == 503 and names_redis
    observed = ", ".join(f"{k} {v}" for k, v in seen.items())
    observed += f", health {health.status_code}"
    observed += " naming Redis" if names_redis else " (Redis not named)"
    return Row(
        "Redis stopped",
        observed,
        "reads and logins 200, queued writes 2xx or 503, health 503 naming Redis",
        ok,
    )


def fault_postgres(box: Sandbox) -> Row:
    codes: Counter = Counter()
    stop = threading.Event()
    auth = {"Authorization": f"Bearer {token(box, STUDENT)}"}

    def traffic() -> None:
        # Signed-in reads: each loads the user and the learner's rows from the
        # database (an anonymous catalog page could come from the cache alone).
        with client(box) as c:
            while not stop.is_set():
                for path in ("/api/v1/users/me/courses", "/api/v1/courses?page=1"):
                    try:
                        codes[c.get(path, headers=auth).status_code] += 1
                    except httpx.HTTPError as error:
                        codes[type(error).__name__] += 1
                time.sleep(0.02)

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(3)
    box.restart_postgres()
    time.sleep(5)
    stop.set()
    for t in threads:
        t.join()
    ok = set(codes) <= {200, 503} and codes[200] > 0
    observed = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str))
    return Row(
        "PostgreSQL restarted under traffic",
        observed,
        "all 200 (a 503 with Retry-After during the restart at most; no 500)",
        ok,
    )


def fault_worker(box: Sandbox) -> Row:
    instructor = token(box, INSTRUCTOR)
    source = make_video(box.base / "long.mp4", 30, "1920x1080")
    r = upload(box, instructor, source)
    if r.status_code != 201:
        return Row(
            "Celery worker killed mid-transcode",
            f"upload {r.status_code}",
            "transcode runs again",
            False,
        )
    video_id = r.json()["data"]["id"]
    hls = box.media / "hls" / str(video_id)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until ffmpeg has written segments
        if any(hls.glob(".tmp-*/*/segment_*.ts")):
            break
        time.sleep(0.5)
    else:
        return Row(
            "Celery worker killed mid-transcode",
            "transcode never started",
            "transcode runs again",
            False,
        )
    box.kill("worker")  # SIGKILL to the whole process group, ffmpeg included
    killed_at = time.monotonic()
    status_after_kill = video_status(box, instructor, video_id).get("status")
    partial = sorted(p.name for p in hls.iterdir())
    box.start_worker()
    limit = (2 if box.quick else 5) * 60 + 120
    ever_ready_early = False
    status = status_after_kill
    while time.monotonic() - killed_at < limit:
        status = video_status(box, instructor, video_id).get("status")
        if status == "ready":
            break
        time.sleep(5)
    took = time.monotonic() - killed_at
    leftovers = sorted(p.name for p in hls.iterdir()) if hls.exists() else []
    cleaned = status == "ready" and not any(n.startswith(".tmp-") for n in leftovers)
    ever_ready_early = status_after_kill == "ready"
    ok = status == "ready" and cleaned and not ever_ready_early
    observed = (
        f"after SIGKILL: {status_after_kill}, partial output {partial}; "
        f"{status} {took:.0f} s after the kill; leftovers {leftovers}"
    )
    return Row(
        "Celery worker killed (SIGKILL) mid-transcode of a 30 s 1080p upload",
        observed,
        "transcode runs again within minutes, never ready half-done, partial cleaned",
        ok,
    )


def fault_disk(box: Sandbox) -> Row:
    instructor = token(box, INSTRUCTOR)
    source = make_video(box.base / "disk.mp4", 6, "1280x720")
    rows_before = _video_count(box)
    filler = box.media / "filler"
    free = shutil.disk_usage(box.media).free
    with filler.open("wb") as f:  # leave less room than the upload needs
        f.truncate(0)
        block = b"\0" * (1 << 20)
        remaining = free - source.stat().st_size // 2
        while remaining > 0:
            f.write(block[: min(len(block), remaining)])
            remaining -= len(block)
    files_before = {p for p in box.media.rglob("*") if p.is_file()}
    r = upload(box, instructor, source)
    files_after = {p for p in box.media.rglob("*") if p.is_file()}
    filler.unlink()
    code = r.json()["errors"][0]["code"] if r.status_code >= 400 else ""
    message = r.json()["errors"][0]["message"] if r.status_code >= 400 else ""
    new_files = sorted(
        str(p.relative_to(box.media)) for p in files_after - files_before
    )
    rows_after = _video_count(box)
    ok = r.status_code in (507, 503) and not new_files and rows_after == rows_before
    return Row(
        "disk full during upload",
        f"{r.status_code} {code} '{message}'; new files {new_files}; "
        f"video rows {rows_before} -> {rows_after}",
        "507/503 with a clear message, no half-written video left behind",
        ok,
    )


def _video_count(box: Sandbox) -> int:
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(box.pg_port),
            "-U",
            "postgres",
            "-At",
            "-c",
            "select count(*) from content_videoasset",
            "portal",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["redis", "postgres", "worker", "disk"])
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("the drill needs root (tmpfs, a PostgreSQL of its own)")
    box = Sandbox(quick=args.quick)
    rows: list[Row] = []
    try:
        print(f"sandbox in {box.base}: starting PostgreSQL, Redis, gunicorn, Celery…")
        box.mount_media()
        box.start_postgres()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(box.pg_port),
                "-U",
                "postgres",
                "-qc",
                "create database portal",
            ],
            check=True,
        )
        box.start_redis()
        box.manage("migrate", "--noinput")
        box.manage("collectstatic", "--noinput")
        box.manage("seed_demo", "--url", box.url)
        box.start_web()
        box.start_worker()
        box.start_beat()
        faults = {
            "redis": fault_redis,
            "postgres": fault_postgres,
            "worker": fault_worker,
            "disk": fault_disk,
        }
        for name, run in faults.items():
            if args.only and name != args.only:
                continue
            print(f"fault: {name}…", flush=True)
            rows.append(run(box))
    finally:
        logs = box.base
        if any(not r.ok for r in rows):
            keep = Path(tempfile.mkdtemp(prefix="drill-logs-"))
            for log in logs.glob("*.log"):
                shutil.copy(log, keep)
            print(f"logs kept in {keep}")
        box.close()
    print()
    print("| fault | observed | expected | result |")
    print("|---|---|---|---|")
    for r in rows:
        result = "ok" if r.ok else "FAILED"
        print(f"| {r.fault} | {r.observed} | {r.expected} | {result} |")
    return 0 if rows and all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
