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
import math
import os
import re
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
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import DomainError, InvalidInput, NotFound

from .media import (
    MASTER_PLAYLIST,
    POSTER_NAME,
    VideoAsset,
    VideoCaption,
    VideoStatus,
    VideoUsage,
)
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
# Version keys outlive every answer cached under them (see _viewer_versions).
VIEWER_VERSION_SECONDS = 2 * VIEWER_CACHE_SECONDS


class ViewerNotAuthenticated(DomainError):
    """An anonymous visitor asked for a video that is not a free preview."""

    code = "NOT_AUTHENTICATED"
    status = 401


def video_usages_sync(*, module) -> None:
    """Re-index the videos a module shows (its live body's ``video`` blocks), with
    the module's free-preview flag, and drop cached access answers for the videos it
    showed before and shows now."""
    before = set(
        VideoUsage.objects.filter(module_id=module.pk).values_list(
            "video_id", flat=True
        )
    )
    VideoUsage.objects.filter(module_id=module.pk).delete()
    live = ModulePage.objects.filter(pk=module.pk, live=True).first()
    existing: list[int] = []
    if live is not None:
        ids = {
            block.value.get("video_id")
            for block in live.body
            if block.block_type == "video" and block.value.get("video_id")
        }
        course = live.get_parent().specific
        # Only videos the course's instructor or an admin uploaded: a body edited by
        # hand (a crafted editor POST) cannot publish someone else's video.
        existing = list(
            VideoAsset.objects.filter(pk__in=ids)
            .filter(
                Q(owner_id=getattr(course, "instructor_id", None))
                | Q(owner__role=Role.ADMIN)
                | Q(owner__is_superuser=True)
            )
            .values_list("pk", flat=True)
        )
        VideoUsage.objects.bulk_create(
            [
                VideoUsage(
                    module_id=live.pk,
                    course_id=course.pk,
                    video_id=pk,
                    free_preview=live.is_free_preview,
                )
                for pk in existing
            ],
            ignore_conflicts=True,
        )
    changed = before | set(existing)
    if changed:
        _viewer_cache_reset(video_ids=changed)


def video_viewer_cache_reset(*, user_id: int) -> None:
    """Forget the cached access answers of one user (all their videos).

    Call it when what a user may watch changes outside this app, e.g. when they
    enroll or unenroll (``learning.services``). The reset happens now and again once
    the surrounding transaction commits, so a request racing the change cannot cache
    the old answer under the new version.
    """
    _viewer_cache_reset(user_ids=[user_id])
    transaction.on_commit(lambda: _viewer_cache_reset(user_ids=[user_id]))


def _viewer_cache_reset(*, user_ids=(), video_ids=()) -> None:
    keys = [_user_version_key(pk) for pk in user_ids]
    keys += [_video_version_key(pk) for pk in video_ids]
    # A fresh random version per reset: answers cached under older versions are
    # never read again and expire on their own.
    cache.set_many({key: uuid.uuid4().hex[:12] for key in keys}, VIEWER_VERSION_SECONDS)


def _user_version_key(user_id) -> str:
    return f"video:viewer:v:{user_id}"


def _video_version_key(video_id) -> str:
    return f"video:viewer:vv:{video_id}"


def _is_free_preview(video: VideoAsset) -> bool:
    """Shown by a live free-preview module of a live, non-archived course."""
    return VideoUsage.objects.filter(
        video=video,
        free_preview=True,
        module__live=True,
        course__live=True,
        course__archived_at__isnull=True,
    ).exists()


def video_may_watch(*, actor, video: VideoAsset) -> bool:
    """Whether ``actor`` (a user, or anonymous) may play ``video``: its owner and
    admins; anyone, signed in or not, when a live free-preview module of a live
    course shows it; and whoever a registered check admits (learners enrolled in a
    course that shows it).

    Answers other than the owner's and admins' are cached for
    ``VIEWER_CACHE_SECONDS`` (a player asks for a segment every few seconds) under
    the user's and the video's cache versions, which ``video_viewer_cache_reset``
    and ``video_usages_sync`` change.
    """
    signed_in = bool(getattr(actor, "is_authenticated", False))
    if signed_in and (is_admin(actor) or video.owner_id == actor.pk):
        return True
    user_key = _user_version_key(actor.pk) if signed_in else None
    video_key = _video_version_key(video.pk)
    versions = cache.get_many([k for k in (user_key, video_key) if k])
    key = "video:viewer:{who}:{video}:{uv}:{vv}".format(
        who=actor.pk if signed_in else "anon",
        video=video.pk,
        uv=versions.get(user_key, "0"),
        vv=versions.get(video_key, "0"),
    )
    allowed = cache.get(key)
    if allowed is None:
        allowed = _is_free_preview(video) or (
            signed_in and any(check(actor, video) for check in VIDEO_VIEWER_CHECKS)
        )
        cache.set(key, allowed, VIEWER_CACHE_SECONDS)
    return allowed


def video_get_for_viewer(*, actor, video_id: int) -> VideoAsset:
    """The asset for watching (see ``video_may_watch``). Raises ``NotFound`` for a
    missing video or a signed-in user who may not watch it (its existence is
    private), ``ViewerNotAuthenticated`` for an anonymous visitor."""
    asset = VideoAsset.objects.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    if video_may_watch(actor=actor, video=asset):
        return asset
    if not getattr(actor, "is_authenticated", False):
        raise ViewerNotAuthenticated(_("Sign in to watch this video."))
    raise NotFound(_("Video not found."))


def video_get(*, actor, video_id: int) -> VideoAsset:
    """The asset (with its captions) if ``actor`` owns it or is an admin;
    ``NotFound`` otherwise (its existence is private)."""
    assets = VideoAsset.objects.select_related("owner").prefetch_related("captions")
    if not is_admin(actor):
        assets = assets.filter(owner=actor)
    asset = assets.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    return asset


def video_ready_map(*, video_ids) -> dict[int, VideoAsset]:
    """Ready assets with their captions by id, for the players of a rendered page
    (two queries however many). Missing and unfinished videos are left out; whether
    the viewer may watch one is ``video_may_watch``."""
    ids = {pk for pk in video_ids if isinstance(pk, int) and not isinstance(pk, bool)}
    if not ids:
        return {}
    assets = VideoAsset.objects.filter(
        pk__in=ids, status=VideoStatus.READY
    ).prefetch_related("captions")
    return {asset.pk: asset for asset in assets}


def master_playlist_text(video: VideoAsset, captions=()) -> str:
    """The HLS master playlist of a ready asset: one variant per rendition and, when
    the video has captions, a ``subs`` group with one subtitle playlist per
    language (``captions/<language>.m3u8``)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for index, caption in enumerate(captions):
        lines.append(
            '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",'
            f'NAME="{_quoted(caption.label)}",LANGUAGE="{caption.language}",'
            f"DEFAULT={'YES' if index == 0 else 'NO'},AUTOSELECT=YES,"
            f'URI="captions/{caption.language}.m3u8"'
        )
    subtitles = ',SUBTITLES="subs"' if captions else ""
    for r in video.renditions:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={r['bandwidth']},"
            f'RESOLUTION={r["width"]}x{r["height"]},NAME="{r["name"]}"{subtitles}'
        )
        lines.append(r["playlist"])
    return "\n".join(lines) + "\n"


def subtitle_playlist_text(video: VideoAsset, caption) -> str:
    """A one-segment HLS subtitle playlist wrapping a caption's WebVTT file (the
    segment is ``subtitle_segment_text``)."""
    duration = max(video.duration or 0.0, 0.001)
    return (
        "\n".join(
            [
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                f"#EXT-X-TARGETDURATION:{math.ceil(duration)}",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                f"#EXTINF:{duration:.3f},",
                f"{caption.language}.webvtt",
                "#EXT-X-ENDLIST",
            ]
        )
        + "\n"
    )


# Where the transcoder's MPEG-TS timeline starts: ffmpeg's mpegts muxer delays the
# first timestamp by 1.4 s (2 x its 0.7 s default muxdelay) = 126000 at 90 kHz.
HLS_MPEGTS_START = 126_000


def subtitle_segment_text(caption) -> str:
    """A caption's WebVTT as an HLS subtitle segment: with the ``X-TIMESTAMP-MAP``
    header that puts cue time 0 at the start of the video's MPEG-TS timeline
    (without it native HLS players show every cue 1.4 s early). Raises
    ``OSError`` when the file cannot be read."""
    with caption.file.open("rb") as handle:
        text = handle.read().decode("utf-8").removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    stamp = f"X-TIMESTAMP-MAP=MPEGTS:{HLS_MPEGTS_START},LOCAL:00:00:00.000"
    return f"{first.rstrip()}\n{stamp}\n{rest}"


def _quoted(text: str) -> str:
    # Quoted strings in a playlist cannot hold double quotes or line breaks.
    return re.sub(r'["\r\n]', "'", text)


# --- Captions ------------------------------------------------------------------------


CAPTION_MAX_BYTES = 1024 * 1024
CAPTION_LABEL_MAX = 64
# BCP 47-ish: a 2-3 letter language, then an optional script (4 letters), region
# (2 letters or 3 digits) and variants.
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
LANGUAGE_TAG_MAX = 35
WEBVTT_SIGNATURE = re.compile(r"WEBVTT(?:[ \t\r\n]|$)")


def language_tag_normalize(tag: str) -> str | None:
    """``pt-br`` → ``pt-BR``, ``zh-hant-tw`` → ``zh-Hant-TW``; None when ``tag`` is
    not a language tag of the accepted shape."""
    if not isinstance(tag, str) or len(tag) > LANGUAGE_TAG_MAX:
        return None
    if not LANGUAGE_TAG.fullmatch(tag):
        return None
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def _validated_webvtt(file) -> bytes:
    if file.size > CAPTION_MAX_BYTES:
        raise InvalidInput(
            _("Caption files may be at most %(kb)d KB.")
            % {"kb": CAPTION_MAX_BYTES // 1024},
            field="file",
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks())
    if len(data) > CAPTION_MAX_BYTES:
        raise InvalidInput(_("Caption files may be at most 1 MB."), field="file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The caption file must be UTF-8 text."), field="file"
        ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text or not WEBVTT_SIGNATURE.match(text):
        raise InvalidInput(
            _('The caption file must be WebVTT: it starts with "WEBVTT".'),
            field="file",
        )
    if not any("-->" in line for line in text.splitlines()):
        raise InvalidInput(
            _("The caption file has no cues (no line with a “-->” timing)."),
            field="file",
        )
    return data


def caption_upsert(*, actor, video_id: int, language: str, label: str, file):
    """Add a WebVTT caption track to a video of ``actor``'s (admins: any), or replace
    the track in that language. Returns ``(caption, created)``.

    Errors: ``NotFound`` for a video the actor may not manage; ``InvalidInput`` on
    ``language`` (not a BCP 47-style tag), ``label`` (empty or over 64 characters)
    or ``file`` (over 1 MB, not UTF-8, not WebVTT, no cue). A replaced file is
    deleted once the transaction commits.
    """
    video = video_get(actor=actor, video_id=video_id)
    tag = language_tag_normalize(language)
    if tag is None:
        raise InvalidInput(
            _("Use a language tag such as en, pt-BR or zh-Hant."), field="language"
        )
    label = (label or "").strip()
    if not label or len(label) > CAPTION_LABEL_MAX:
        raise InvalidInput(
            _("Give a label of 1 to %(n)d characters.") % {"n": CAPTION_LABEL_MAX},
            field="label",
        )
    data = _validated_webvtt(file)
    with transaction.atomic():
        # One writer per video at a time: two uploads in one language cannot race.
        VideoAsset.objects.select_for_update().filter(pk=video.pk).first()
        caption = VideoCaption.objects.filter(video=video, language=tag).first()
        created = caption is None
        old_name = None if created else caption.file.name
        if created:
            caption = VideoCaption(video=video, language=tag)
        caption.label = label
        caption.file.save("caption.vtt", ContentFile(data), save=False)
        new_name = caption.file.name
        try:
            caption.save()
        except BaseException:
            _delete_file(new_name)
            raise
        if old_name:
            transaction.on_commit(lambda: _delete_file(old_name))
        audit_log_record(
            action="video.caption_added" if created else "video.caption_replaced",
            user=actor,
            resource_type="video",
            resource_id=video.pk,
            details={"language": tag},
        )
    return caption, created


def caption_delete(*, actor, video_id: int, language: str) -> VideoCaption:
    """Remove a video's caption track in ``language`` (owner, admins); the file is
    deleted once the transaction commits. ``NotFound`` when there is none."""
    video = video_get(actor=actor, video_id=video_id)
    tag = language_tag_normalize(language)
    with transaction.atomic():
        caption = (
            VideoCaption.objects.select_for_update()
            .filter(video=video, language=tag or "-")
            .first()
        )
        if caption is None:
            raise NotFound(_("Caption not found."))
        name = caption.file.name
        caption.delete()
        transaction.on_commit(lambda: _delete_file(name))
        audit_log_record(
            action="video.caption_deleted",
            user=actor,
            resource_type="video",
            resource_id=video.pk,
            details={"language": caption.language},
        )
    return caption


def _delete_file(name: str) -> None:
    if name:
        VideoCaption._meta.get_field("file").storage.delete(name)


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
    # Kept on disk for tools reading the output directory; players get the master
    # from ``master_playlist_text`` (it adds the caption tracks).
    path.write_text(master_playlist_text(VideoAsset(renditions=renditions)))


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
