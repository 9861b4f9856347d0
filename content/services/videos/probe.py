"""Probing media with ffprobe: whether a file is a video, and its shape.

Only container formats meant for upload are opened. Playlists and scripts (HLS,
DASH, concat/ffconcat, image sequences, lavfi, ...) name other files or URLs, and a
demuxer that follows them would turn an "upload" into a read of the server's own
files (a ``.m3u8`` naming a file under MEDIA_ROOT came back transcoded to its
uploader). So every ffprobe and ffmpeg run on an uploaded file passes
``INPUT_OPTIONS``: ffmpeg itself refuses any other demuxer (``format_whitelist``)
and any protocol but ``file`` (``protocol_whitelist``), and the transcode forces the
demuxer the probe found (``ProbeResult.demuxer``). None of the allowed demuxers
follows references: MP4/MOV data references (``dref``) stay off, as is ffmpeg's
default (``enable_drefs``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction

import ffmpeg

# The demuxers an upload may be read with (ffmpeg's short names): MP4/MOV/3GP,
# Matroska/WebM, AVI and MPEG-TS, containers that hold their media in themselves.
UPLOAD_DEMUXERS = ("mov", "matroska", "avi", "mpegts")
INPUT_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(UPLOAD_DEMUXERS),
}


class NotAVideo(Exception):
    """ffprobe found no playable video stream."""


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool
    # The allowed demuxer that read the file, forced on every later ffmpeg run.
    demuxer: str


def video_probe(*, path: str | os.PathLike) -> ProbeResult:
    """ffprobe ``path``; raise ``NotAVideo`` unless it is in an upload container
    (``UPLOAD_DEMUXERS``) and holds a video stream with a duration (text, HTML,
    still images, playlists and scripts are refused)."""
    try:
        info = ffmpeg.probe(str(path), **INPUT_OPTIONS)
    except ffmpeg.Error as error:
        raise NotAVideo(stderr_tail(error=error)) from error
    fmt = info.get("format", {})
    # ffmpeg already refused other demuxers; this holds should an ffprobe ignore
    # the whitelist.
    format_names = str(fmt.get("format_name", "")).split(",")
    demuxer = next((name for name in format_names if name in UPLOAD_DEMUXERS), None)
    if demuxer is None:
        raise NotAVideo(f"format {fmt.get('format_name')}")
    streams = info.get("streams", [])
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not s.get("disposition", {}).get("attached_pic")
            and s.get("width")
            and s.get("height")
        ),
        None,
    )
    if video is None:
        raise NotAVideo("no video stream")
    try:
        duration = float(fmt.get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise NotAVideo("no duration")
    try:
        fps = float(Fraction(video.get("avg_frame_rate") or "0/1"))
    except (ValueError, ZeroDivisionError):
        fps = 0.0
    if not fps:
        try:
            fps = float(Fraction(video.get("r_frame_rate") or "25/1"))
        except (ValueError, ZeroDivisionError):
            fps = 25.0
    return ProbeResult(
        duration=duration,
        width=int(video["width"]),
        height=int(video["height"]),
        fps=fps or 25.0,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        demuxer=demuxer,
    )


# An absolute path in ffmpeg's messages ("/srv/media/videos/12/src.mp4: Invalid
# data"): only its last part is shown, so a message the uploader reads never tells
# where the server keeps its files.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(?:/[^/\s'\":,]+)+/([^/\s'\":,]+)")


def stderr_tail(*, error: ffmpeg.Error) -> str:
    """The end of ffmpeg's error output, for the uploader to read: server paths are
    cut to their file names."""
    text = (error.stderr or b"").decode("utf-8", "replace").strip()
    text = _ABSOLUTE_PATH.sub(r"\1", text)
    return text[-500:] or "ffmpeg failed"
