"""Video services: upload (validated with ffprobe before anything is kept) and HLS
transcoding (called by ``content.tasks.transcode_video``).

Transcoding writes each run to a fresh directory ``hls/<id>/.tmp-<token>``, renames
it to ``hls/<id>/<token>`` when every file is written, and marks the asset ``ready``
pointing at that directory in the same locked step. A run killed half-way leaves
only a ``.tmp-`` directory, which the next run deletes; the asset is never ``ready``
with missing files.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.permissions import is_admin
from portal.errors import InvalidInput, NotFound

from .media import MASTER_PLAYLIST, POSTER_NAME, VideoAsset, VideoStatus, VideoUsage
from .models import ModulePage

logger = logging.getLogger(__name__)

HLS_TIME = 4  # seconds per segment
AUDIO_BITRATE = 128_000
# (name, height, video bitrate in bits/s); renditions above the source are skipped.
LADDER = (
    ("360p", 360, 800_000),
    ("480p", 480, 1_400_000),
    ("720p", 720, 2_800_000),
    ("1080p", 1080, 5_000_000),
)
# Demuxers ffprobe may pick for things that are not videos (text, still images).
NOT_VIDEO_FORMATS = {"tty", "image2", "gif", "webp_pipe", "svg_pipe"}
ERROR_MAX_CHARS = 2000
TMP_PREFIX = ".tmp-"


class NotAVideo(Exception):
    """ffprobe found no playable video stream."""


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool


def video_probe(path: str | os.PathLike) -> ProbeResult:
    """ffprobe ``path``; raise ``NotAVideo`` unless it holds a video stream with a
    duration (text, HTML and still images are refused)."""
    try:
        info = ffmpeg.probe(str(path))
    except ffmpeg.Error as error:
        raise NotAVideo(_stderr_tail(error)) from error
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


# --- Upload --------------------------------------------------------------------------


def video_upload(*, owner, title: str, file) -> VideoAsset:
    """Store an uploaded video and queue its transcoding.

    The size limit (``VIDEO_MAX_UPLOAD_MB``) is checked first, then the bytes are
    probed from a temporary file; only a real video is saved (under a generated
    name) and the transcode task is enqueued once the transaction commits. Raises
    ``InvalidInput`` (field ``file``) for a file too large or not a video; nothing
    is kept then.
    """
    limit_mb = settings.VIDEO_MAX_UPLOAD_MB
    if file.size > limit_mb * 1024 * 1024:
        raise InvalidInput(
            _("The file is larger than the %(mb)d MB limit.") % {"mb": limit_mb},
            field="file",
        )
    with _local_copy(file) as path:
        try:
            probe = video_probe(path)
        except NotAVideo:
            raise InvalidInput(
                _("The file is not a video file ffprobe can read."), field="file"
            ) from None
        asset = VideoAsset(
            title=title,
            owner=owner,
            duration=probe.duration,
            width=probe.width,
            height=probe.height,
            has_audio=probe.has_audio,
        )
        with open(path, "rb") as handle:
            asset.original.save("upload", File(handle), save=False)
    try:
        with transaction.atomic():
            asset.save()
            transaction.on_commit(lambda: _enqueue_transcode(asset.pk))
    except BaseException:
        asset.original.delete(save=False)
        raise
    return asset


def _enqueue_transcode(video_id: int) -> None:
    from .tasks import MEDIA_QUEUE, transcode_video

    transcode_video.apply_async((video_id,), queue=MEDIA_QUEUE)


class _local_copy:
    """The upload as a file on local disk: Django's own temporary file when it made
    one, else a copy in a temporary file that is removed afterwards."""

    def __init__(self, file) -> None:
        self.file = file
        self.temp: str | None = None

    def __enter__(self) -> str:
        if hasattr(self.file, "temporary_file_path"):
            return self.file.temporary_file_path()
        fd, self.temp = tempfile.mkstemp(prefix="video-upload-")
        with os.fdopen(fd, "wb") as out:
            for chunk in self.file.chunks():
                out.write(chunk)
        return self.temp

    def __exit__(self, *exc) -> None:
        if self.temp:
            Path(self.temp).unlink(missing_ok=True)


# --- Reading -------------------------------------------------------------------------


# Who else may watch a video: checks other apps register (learning adds "enrolled in
# a course with a live module showing it"). Each takes (user, video) -> bool.
VIDEO_VIEWER_CHECKS: list = []
VIEWER_CACHE_SECONDS = 60


def video_usages_sync(*, module) -> None:
    """Re-index the videos a module shows (its live body's ``video`` blocks)."""
    VideoUsage.objects.filter(module_id=module.pk).delete()
    live = ModulePage.objects.filter(pk=module.pk, live=True).first()
    if live is None:
        return
    ids = {
        block.value.get("video_id")
        for block in live.body
        if block.block_type == "video" and block.value.get("video_id")
    }
    existing = VideoAsset.objects.filter(pk__in=ids).values_list("pk", flat=True)
    VideoUsage.objects.bulk_create(
        [
            VideoUsage(module_id=live.pk, course_id=live.get_parent().pk, video_id=pk)
            for pk in existing
        ],
        ignore_conflicts=True,
    )


def video_get_for_viewer(*, actor, video_id: int) -> VideoAsset:
    """The asset for watching: its owner and admins, and whoever a registered check
    admits (learners enrolled in a course that shows it). The check's answer is
    cached briefly, because a player asks for a segment every few seconds."""
    asset = VideoAsset.objects.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    if is_admin(actor) or asset.owner_id == actor.pk:
        return asset
    key = f"video:viewer:{actor.pk}:{asset.pk}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = any(check(actor, asset) for check in VIDEO_VIEWER_CHECKS)
        cache.set(key, allowed, VIEWER_CACHE_SECONDS)
    if not allowed:
        raise NotFound(_("Video not found."))
    return asset


def video_get(*, actor, video_id: int) -> VideoAsset:
    """The asset if ``actor`` owns it or is an admin; ``NotFound`` otherwise (its
    existence is private)."""
    assets = VideoAsset.objects.select_related("owner")
    if not is_admin(actor):
        assets = assets.filter(owner=actor)
    asset = assets.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    return asset


# --- Transcoding ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    name: str
    width: int
    height: int
    video_bitrate: int


def rendition_ladder(width: int, height: int) -> list[Rung]:
    """The ladder's rungs at or below the source height, never upscaled: a source
    smaller than the lowest rung gets one rendition at its own (even) height, named
    after it (e.g. ``240p``), at the lowest rung's bitrate."""
    rungs = [r for r in LADDER if r[1] <= height] or [
        (f"{_even(height)}p", _even(height), LADDER[0][2])
    ]
    return [
        Rung(name, _even(width * h / height), _even(h), bitrate)
        for name, h, bitrate in rungs
    ]


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def video_transcode(*, video_id: int) -> VideoAsset | None:
    """Transcode an asset to HLS (idempotent: a ``ready`` asset is left alone).

    ffmpeg failures and unreadable sources mark the asset ``failed`` with a readable
    error and keep no output. Database errors propagate so the task retries.
    """
    asset = _claim(video_id)
    if asset is None:
        return None
    asset_dir = Path(settings.MEDIA_ROOT) / "hls" / str(asset.pk)
    # Half-written output of a killed run goes; a finished one is never touched
    # here, as a concurrent run may just have marked it ready.
    _remove_stale_runs(asset_dir, unfinished_only=True)
    token = uuid.uuid4().hex
    work_dir = asset_dir / f"{TMP_PREFIX}{token}"
    try:
        work_dir.mkdir(parents=True)
        probe = video_probe(asset.original.path)
        renditions = _write_hls(asset.original.path, probe, work_dir)
        final_dir = asset_dir / token
        os.replace(work_dir, final_dir)
    except Exception as error:
        shutil.rmtree(work_dir, ignore_errors=True)
        if not isinstance(error, NotAVideo | ffmpeg.Error | OSError):
            logger.exception("video %s: transcoding failed", video_id)
        return _mark_failed(video_id, _describe(error))
    return _mark_ready(video_id, probe, renditions, final_dir)


def _claim(video_id: int) -> VideoAsset | None:
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=video_id).first()
        if asset is None or asset.status == VideoStatus.READY:
            return None
        asset.status = VideoStatus.PROCESSING
        asset.error = ""
        asset.save(update_fields=["status", "error", "updated_at"])
    return asset


def _mark_ready(video_id, probe: ProbeResult, renditions, final_dir: Path):
    relative = final_dir.relative_to(settings.MEDIA_ROOT).as_posix()
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=video_id).first()
        if asset is None or asset.status == VideoStatus.READY:
            # Deleted meanwhile, or a concurrent run finished first: drop ours.
            shutil.rmtree(final_dir, ignore_errors=True)
            return asset
        asset.status = VideoStatus.READY
        asset.error = ""
        asset.duration = probe.duration
        asset.width = probe.width
        asset.height = probe.height
        asset.has_audio = probe.has_audio
        asset.renditions = renditions
        asset.hls_path = relative
        asset.poster.name = f"{relative}/{POSTER_NAME}"
        asset.save()
    _remove_stale_runs(final_dir.parent, keep=final_dir.name)
    return asset


def _mark_failed(video_id: int, message: str) -> VideoAsset | None:
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=video_id).first()
        if asset is None or asset.status == VideoStatus.READY:
            return asset
        asset.status = VideoStatus.FAILED
        asset.error = message[:ERROR_MAX_CHARS]
        asset.save(update_fields=["status", "error", "updated_at"])
    return asset


def _remove_stale_runs(
    asset_dir: Path, *, keep: str | None = None, unfinished_only: bool = False
) -> None:
    """Delete leftovers of earlier runs in an asset's HLS directory: half-written
    ``.tmp-`` directories, and (unless ``unfinished_only``) every output but
    ``keep``."""
    if not asset_dir.is_dir():
        return
    for child in asset_dir.iterdir():
        if child.name == keep or (
            unfinished_only and not child.name.startswith(TMP_PREFIX)
        ):
            continue
        shutil.rmtree(child, ignore_errors=True)


def _write_hls(source: str, probe: ProbeResult, out: Path) -> list[dict]:
    """Every rendition's playlist and segments, the master playlist and the poster,
    written under ``out``."""
    gop = max(1, round(probe.fps * HLS_TIME))
    renditions = []
    for rung in rendition_ladder(probe.width, probe.height):
        rendition_dir = out / rung.name
        rendition_dir.mkdir()
        source_input = ffmpeg.input(source)
        streams = [source_input.video.filter("scale", rung.width, rung.height)]
        audio = {}
        if probe.has_audio:
            streams.append(source_input.audio)
            audio = {"c:a": "aac", "b:a": AUDIO_BITRATE, "ac": 2}
        (
            ffmpeg.output(
                *streams,
                str(rendition_dir / "index.m3u8"),
                **{
                    "c:v": "libx264",
                    "preset": "veryfast",
                    "pix_fmt": "yuv420p",
                    "b:v": rung.video_bitrate,
                    "maxrate": int(rung.video_bitrate * 1.07),
                    "bufsize": int(rung.video_bitrate * 1.5),
                    "g": gop,
                    "keyint_min": gop,
                    "sc_threshold": 0,
                    "force_key_frames": f"expr:gte(t,n_forced*{HLS_TIME})",
                    **audio,
                    "f": "hls",
                    "hls_time": HLS_TIME,
                    "hls_playlist_type": "vod",
                    "hls_segment_filename": str(rendition_dir / "segment_%05d.ts"),
                },
            )
            .global_args("-nostdin", "-loglevel", "error")
            .run(capture_stdout=True, capture_stderr=True)
        )
        bandwidth = int(rung.video_bitrate * 1.07) + (
            AUDIO_BITRATE if probe.has_audio else 0
        )
        renditions.append(
            {
                "name": rung.name,
                "width": rung.width,
                "height": rung.height,
                "bandwidth": bandwidth,
                "playlist": f"{rung.name}/index.m3u8",
            }
        )
    _write_master(out / MASTER_PLAYLIST, renditions)
    _write_poster(source, probe, out / POSTER_NAME)
    return renditions


def _write_master(path: Path, renditions: list[dict]) -> None:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for r in renditions:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={r['bandwidth']},"
            f'RESOLUTION={r["width"]}x{r["height"]},NAME="{r["name"]}"'
        )
        lines.append(r["playlist"])
    path.write_text("\n".join(lines) + "\n")


def _write_poster(source: str, probe: ProbeResult, path: Path) -> None:
    at = min(1.0, probe.duration / 2)
    (
        ffmpeg.input(source, ss=at)
        .output(str(path), vframes=1, **{"q:v": 3})
        .global_args("-nostdin", "-loglevel", "error")
        .run(capture_stdout=True, capture_stderr=True)
    )


def _stderr_tail(error: ffmpeg.Error) -> str:
    text = (error.stderr or b"").decode("utf-8", "replace").strip()
    return text[-500:] or "ffmpeg failed"


def _describe(error: Exception) -> str:
    if isinstance(error, NotAVideo):
        return _("The source is not a readable video (%(why)s).") % {"why": error}
    if isinstance(error, ffmpeg.Error):
        return _("ffmpeg failed: %(why)s") % {"why": _stderr_tail(error)}
    if isinstance(error, OSError):
        return _("Could not write the video files: %(why)s") % {
            "why": error.strerror or error
        }
    return _("Transcoding failed unexpectedly (%(kind)s).") % {
        "kind": type(error).__name__
    }


def videos_requeue_stuck(*, older_than_minutes: int, include_failed: bool) -> list:
    """Ids of assets left ``uploaded`` or ``processing`` (and ``failed`` if asked)
    for longer than ``older_than_minutes``; each is queued for transcoding again."""
    statuses = [VideoStatus.UPLOADED, VideoStatus.PROCESSING]
    if include_failed:
        statuses.append(VideoStatus.FAILED)
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    ids = list(
        VideoAsset.objects.filter(
            status__in=statuses, updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for video_id in ids:
        _enqueue_transcode(video_id)
    return ids
