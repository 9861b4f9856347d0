#!/usr/bin/env python
"""Benchmark the video pipeline: transcode speed and the segment access check.

    .venv/bin/python scripts/bench_video.py [--seconds 10] [--requests 2000]

Runs against a throw-away test database made from the configured one (the embedded
SQLite default, or DATABASE_URL's server) and a temporary MEDIA_ROOT; the cache is
the configured one (in-process, or REDIS_URL). Prints two tables:

* transcode: generated clips (testsrc + sine) at 360p, 720p and 1080p, each
  transcoded to its HLS ladder by ``video_transcode``; speed is seconds of video per
  second of wall time (higher is better; the whole ladder counts once);
* access: requests per second of ``video_get_for_viewer`` (cached and uncached
  answer for an enrolled learner) and of the whole ``VideoFileView`` for a segment
  through Django's test client (session auth, middleware, streaming the file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (("360p", "640x360"), ("720p", "1280x720"), ("1080p", "1920x1080"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="clip length")
    parser.add_argument("--requests", type=int, default=2000, help="per access case")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    media = Path(tempfile.mkdtemp(prefix="bench-video-"))
    os.environ["MEDIA_ROOT"] = str(media / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        sys.stdout.write(
            f"database: {connection.vendor}, cache: {_cache_backend()}, "
            f"cpus: {os.cpu_count()}, load average: {load}\n"
        )
        clips = [_clip(media, name, size, args.seconds) for name, size in SOURCES]
        _print_table(
            "Transcode (video seconds per wall second)",
            ["source", "renditions", "video s", "wall s", "speed"],
            [
                _transcode(name, clip)
                for (name, _), clip in zip(SOURCES, clips, strict=True)
            ],
        )
        _print_table(
            "Segment access check",
            ["case", "requests", "wall s", "req/s"],
            _access(args.requests),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)


def _clip(media: Path, name: str, size: str, seconds: float) -> Path:
    path = media / f"source-{name}.mp4"
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}"]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    command += ["-c:a", "aac", "-t", str(seconds), str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return path


def _cache_backend() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _owner():
    from portal.accounts.models import Role, User
    from portal.accounts.services import user_role_privileges_sync

    user, created = User.objects.get_or_create(
        email="bench-admin@example.com", defaults={"role": Role.ADMIN}
    )
    if created:
        user_role_privileges_sync(user=user)
    return user


def _video(source: Path, title: str):
    from django.core.files import File

    from content.media import VideoAsset

    video = VideoAsset(title=title, owner=_owner())
    with source.open("rb") as handle:
        video.original.save("upload", File(handle), save=True)
    return video


def _transcode(name: str, source: Path) -> list:
    from content.media import VideoStatus
    from content.services.videos import video_transcode

    video = _video(source, f"Bench {name}")
    started = time.perf_counter()
    video = video_transcode(video_id=video.pk)
    wall = time.perf_counter() - started
    if video.status != VideoStatus.READY:
        raise SystemExit(f"{name}: transcoding failed: {video.error}")
    return [
        name,
        ",".join(r["name"] for r in video.renditions),
        f"{video.duration:.1f}",
        f"{wall:.1f}",
        f"{video.duration / wall:.2f}x",
    ]


def _access(requests: int) -> list:
    from django.core.cache.backends.dummy import DummyCache
    from django.test import Client

    from content.media import VideoAsset, VideoStatus
    from content.services import course_create, course_publish, module_create
    from content.services import videos as video_services
    from learning.services import enrollment_create
    from portal.accounts.models import Role, User

    admin = _owner()
    video = VideoAsset.objects.filter(status=VideoStatus.READY).order_by("pk").first()
    course = course_create(
        actor=admin,
        data={
            "title": "Bench course",
            "description": "Benchmark.",
            "category": "Bench",
            "difficulty_level": "beginner",
            "estimated_duration": 10,
            "price": "0",
        },
    )
    module_create(
        actor=admin,
        course=course,
        data={"title": "Watch", "kind": "video", "duration": 1, "video_id": video.pk},
    )
    course_publish(actor=admin, course=course)
    learner = User.objects.create_user(
        email="bench-learner@example.com", password=None, role=Role.STUDENT
    )
    enrollment_create(actor=learner, course_id=course.pk)

    def check():
        video_services.video_get_for_viewer(actor=learner, video_id=video.pk)

    rows = []
    check()  # warm the cached answer
    rows.append(_rate("video_get_for_viewer, cached", requests, check))
    with mock.patch.object(video_services.access, "cache", DummyCache("bench", {})):
        rows.append(_rate("video_get_for_viewer, uncached", requests, check))

    client = Client()
    client.force_login(learner)
    url = (
        f"/api/v1/videos/{video.pk}/hls/{video.renditions[0]['name']}/segment_00000.ts"
    )

    def segment():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"segment request answered {response.status_code}")
        for _ in response.streaming_content:
            pass

    segment()
    rows.append(_rate("VideoFileView segment (test client)", requests // 4, segment))
    return rows


def _rate(label: str, count: int, call) -> list:
    started = time.perf_counter()
    for _ in range(count):
        call()
    wall = time.perf_counter() - started
    return [label, str(count), f"{wall:.2f}", f"{count / wall:,.0f}"]


def _print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [
        max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)
    ]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    sys.stdout.write(f"\n{title}\n\n")
    sys.stdout.write(line.format(*header) + "\n")
    sys.stdout.write("|" + "|".join("-" * (w + 2) for w in widths) + "|\n")
    for row in rows:
        sys.stdout.write(line.format(*row) + "\n")


if __name__ == "__main__":
    main()
