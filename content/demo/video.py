"""The clip the demo's video modules show, generated on the spot with ffmpeg."""

import subprocess
import tempfile
from pathlib import Path

from django.core.files import File

from portal.accounts.models import User

from ..media import VideoAsset
from ..services.videos import video_upload

DEMO_VIDEO_TITLE = "Demo walkthrough (generated test pattern)"


def demo_video(instructor: User) -> int | None:
    """A short generated clip (ffmpeg's test pattern and a tone) that the demo's video
    modules show; transcoded at once when tasks run eagerly (``make run``). None when
    ffmpeg is missing: the modules then go without a video."""
    existing = VideoAsset.objects.filter(owner=instructor, title=DEMO_VIDEO_TITLE)
    if found := existing.values_list("pk", flat=True).first():
        return found
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.mp4"
        command = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
        command += ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=8"]
        command += ["-f", "lavfi", "-i", "sine=frequency=440:duration=8"]
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        command += ["-c:a", "aac", "-t", "8", str(path)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed arguments  # nosec B603
        except (OSError, subprocess.SubprocessError):
            return None
        with path.open("rb") as handle:
            asset = video_upload(
                actor=instructor, title=DEMO_VIDEO_TITLE, file=File(handle, "demo.mp4")
            )
    return asset.pk
