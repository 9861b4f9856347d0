"""The benchmark's video: an HLS output as the transcoder would leave it (one 360p
rendition of 4-second segments of ~200 kB), shown in the first, free-preview module
of the first course, so any viewer may watch it. Written directly, not transcoded:
the benchmark measures serving, and ffmpeg would take minutes at this length.

    .venv/bin/python -m bench.video   (after bench.datagen)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SEGMENTS = 150  # 10 minutes
SEGMENT_BYTES = 200_000
HLS_PATH = "hls/bench/run1"


def create() -> str:
    """The video and its files; returns its master playlist's API path."""
    from django.conf import settings

    from bench.datagen import INSTRUCTOR_EMAIL
    from content.media import VideoAsset, VideoStatus
    from content.models import CoursePage, ModulePage
    from content.services.videos import video_usages_sync
    from portal.accounts.models import User

    folder = Path(settings.MEDIA_ROOT) / HLS_PATH / "360p"
    folder.mkdir(parents=True, exist_ok=True)
    chunk = os.urandom(SEGMENT_BYTES)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4"]
    lines.append("#EXT-X-MEDIA-SEQUENCE:0")
    for n in range(SEGMENTS):
        name = f"seg_{n:05d}.ts"
        (folder / name).write_bytes(chunk)
        lines += ["#EXTINF:4.000000,", name]
    lines.append("#EXT-X-ENDLIST")
    (folder / "index.m3u8").write_text("\n".join(lines) + "\n")

    # A live course's live module (the demo, size S, has drafts and archived
    # ones); the video is its instructor's, as the editor allows (another
    # uploader's video would not be shown: video_usages_sync).
    course = CoursePage.objects.live().order_by("path").first()
    module = ModulePage.objects.child_of(course).live().order_by("path").first()
    video = VideoAsset.objects.create(
        title="Bench video",
        owner=course.instructor or User.objects.get(email=INSTRUCTOR_EMAIL),
        original="videos/originals/bench.mp4",
        status=VideoStatus.READY,
        duration=SEGMENTS * 4,
        width=640,
        height=360,
        renditions=[
            {
                "name": "360p",
                "width": 640,
                "height": 360,
                "bandwidth": 400_000,
                "playlist": "360p/index.m3u8",
            }
        ],
        hls_path=HLS_PATH,
    )
    module.body = [("video", {"video_id": video.pk, "caption": ""})]
    ModulePage.objects.filter(pk=module.pk).update(
        body=module.body, is_free_preview=True
    )
    video_usages_sync(module=module)
    return f"/api/v1/videos/{video.pk}/hls/master.m3u8"


def main() -> None:
    """``python -m bench.video TARGETS``: the video, then the scenario's targets
    (``bench.datagen.write_targets``) written to the file TARGETS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from bench.datagen import write_targets

    master = create()
    write_targets(sys.argv[1], video_master=master)
    sys.stdout.write(f"bench: video at {master}, targets in {sys.argv[1]}\n")


if __name__ == "__main__":
    main()
