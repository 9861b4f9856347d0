"""Probing media with ffprobe: whether a file is a video, and its shape."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

import ffmpeg

# Demuxers ffprobe may pick for things that are not videos (text, still images).
NOT_VIDEO_FORMATS = {"tty", "image2", "gif", "webp_pipe", "svg_pipe"}


class NotAVideo(Exception):
    """ffprobe found no playable video stream."""


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool


def video_probe(*, path: str | os.PathLike) -> ProbeResult:
    """ffprobe ``path``; raise ``NotAVideo`` unless it holds a video stream with a
    duration (text, HTML and still images are refused)."""
    try:
        info = ffmpeg.probe(str(path))
    except ffmpeg.Error as error:
        raise NotAVideo(stderr_tail(error=error)) from error
    fmt = info.get("format", {})
    format_names = set(str(fmt.get("format_name", "")).split(","))
    if format_names & NOT_VIDEO_FORMATS or any(
        name.endswith("_pipe") for name in format_names
    ):
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
    )


def stderr_tail(*, error: ffmpeg.Error) -> str:
    text = (error.stderr or b"").decode("utf-8", "replace").strip()
    return text[-500:] or "ffmpeg failed"
