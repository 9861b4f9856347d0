"""HLS transcoding (called by ``content.tasks.transcode_video``).

Each run's output goes to a fresh folder ``hls/<id>/<token>`` of the media storage,
and the asset is marked ``ready`` pointing at it only once every file is there; a
run killed half-way leaves an unfinished folder, which the next run deletes, so the
asset is never ``ready`` with missing files.

- Local storage (MEDIA_ROOT): ffmpeg writes straight into ``hls/<id>/.tmp-<token>``,
  renamed to ``hls/<id>/<token>`` when complete.
- Object storage: ffmpeg reads a temporary download of the original and writes to
  a temporary folder on the worker's disk; the files are then uploaded under
  ``hls/<id>/<token>/`` beside an ``.incomplete`` marker that is deleted last.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.queue import enqueue
from portal.storage import (
    local_file,
    storage_delete_tree,
    storage_folders,
    storage_is_local,
    storage_upload_tree,
)

from ...media import MASTER_PLAYLIST, POSTER_NAME, VideoAsset, VideoStatus
from .playlists import master_playlist_text
from .probe import INPUT_OPTIONS, NotAVideo, ProbeResult, stderr_tail, video_probe

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
ERROR_MAX_CHARS = 2000
TMP_PREFIX = ".tmp-"
# On object storage: present in a run's folder until its last file is uploaded.
INCOMPLETE_MARKER = ".incomplete"
HLS_FOLDER = "hls"


@dataclass(frozen=True)
class Rung:
    name: str
    width: int
    height: int
    video_bitrate: int


def rendition_ladder(*, width: int, height: int) -> list[Rung]:
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
    storage = asset.original.storage
    run = (_LocalRun if storage_is_local(storage) else _RemoteRun)(storage, asset.pk)
    # Half-written output of a killed run goes; a finished one is never touched
    # here, as a concurrent run may just have marked it ready.
    run.remove_stale(unfinished_only=True)
    try:
        with _Heartbeat(video_id):
            with local_file(storage, asset.original.name) as source:
                work_dir = run.start()
                probe = video_probe(path=source)
                renditions = _write_hls(source, probe, work_dir)
            run.publish()
    except Exception as error:
        run.discard()
        if not isinstance(error, NotAVideo | ffmpeg.Error | OSError):
            logger.exception("video %s: transcoding failed", video_id)
        return _mark_failed(video_id, _describe(error))
    finally:
        run.close()
    return _mark_ready(video_id, probe, renditions, run)


class _LocalRun:
    """A run on local storage: ffmpeg writes into ``hls/<id>/.tmp-<token>`` under
    MEDIA_ROOT, renamed to ``hls/<id>/<token>`` once complete."""

    def __init__(self, storage: Storage, video_id: int) -> None:
        self.storage = storage
        self.token = uuid.uuid4().hex
        self.folder = f"{HLS_FOLDER}/{video_id}"
        self.name = f"{self.folder}/{self.token}"
        self.asset_dir = Path(storage.path(self.folder))
        self.work_dir = self.asset_dir / f"{TMP_PREFIX}{self.token}"

    def start(self) -> Path:
        self.work_dir.mkdir(parents=True)
        return self.work_dir

    def publish(self) -> None:
        os.replace(self.work_dir, self.asset_dir / self.token)

    def discard(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def drop_output(self) -> None:
        shutil.rmtree(self.asset_dir / self.token, ignore_errors=True)

    def close(self) -> None:
        pass

    def remove_stale(self, *, keep: str | None = None, unfinished_only=False) -> None:
        """Delete leftovers of earlier runs in the asset's HLS directory:
        half-written ``.tmp-`` directories, and (unless ``unfinished_only``) every
        output but ``keep``."""
        if not self.asset_dir.is_dir():
            return
        for child in self.asset_dir.iterdir():
            if child.name == keep or (
                unfinished_only and not child.name.startswith(TMP_PREFIX)
            ):
                continue
            shutil.rmtree(child, ignore_errors=True)


def _local_root(storage: Storage) -> Path:
    """This deployment's folder for transcodes in progress on this machine, named
    after its database and bucket: the same for every run (a later run removes what
    a killed one left), apart from another portal's (a benchmark, a second site, a
    test run) on the same machine, whose cleanup would otherwise delete this one's
    work in progress for a video of the same id."""
    database = settings.DATABASES["default"]
    where = "|".join(
        str(part)
        for part in (
            database.get("HOST", ""),
            database.get("PORT", ""),
            database.get("NAME", ""),
            getattr(storage, "endpoint_url", ""),
            getattr(storage, "bucket_name", ""),
            getattr(storage, "location", ""),
        )
    )
    digest = hashlib.sha256(where.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portal-hls-{digest}"


class _RemoteRun:
    """A run on object storage: ffmpeg writes to a folder on the worker's disk
    (``<tmp>/portal-hls-<deployment>/<id>-<token>``); publishing uploads it under
    ``hls/<id>/<token>/`` with an ``.incomplete`` marker deleted last."""

    def __init__(self, storage: Storage, video_id: int) -> None:
        self.storage = storage
        self.video_id = video_id
        self.token = uuid.uuid4().hex
        self.folder = f"{HLS_FOLDER}/{video_id}"
        self.name = f"{self.folder}/{self.token}"
        self.local_root = _local_root(storage)
        self.work_dir = self.local_root / f"{video_id}-{self.token}"
        self.uploading = False

    def start(self) -> Path:
        self.work_dir.mkdir(parents=True)
        return self.work_dir

    def publish(self) -> None:
        marker = f"{self.name}/{INCOMPLETE_MARKER}"
        self.uploading = True
        self.storage.save(marker, ContentFile(b""))
        storage_upload_tree(self.storage, self.work_dir, self.name)
        self.storage.delete(marker)

    def discard(self) -> None:
        if self.uploading:
            storage_delete_tree(self.storage, self.name)

    def drop_output(self) -> None:
        storage_delete_tree(self.storage, self.name)

    def close(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def remove_stale(self, *, keep: str | None = None, unfinished_only=False) -> None:
        """Delete leftovers of earlier runs: uploads that never finished (their
        marker is still there) and (unless ``unfinished_only``) every output but
        ``keep``; also local folders a killed run left on this worker."""
        for folder in storage_folders(self.storage, self.folder):
            name = f"{self.folder}/{folder}"
            if folder == keep or (
                unfinished_only
                and not self.storage.exists(f"{name}/{INCOMPLETE_MARKER}")
            ):
                continue
            storage_delete_tree(self.storage, name)
        if unfinished_only and self.local_root.is_dir():
            for child in self.local_root.glob(f"{self.video_id}-*"):
                shutil.rmtree(child, ignore_errors=True)


def _stuck_cutoff():
    return timezone.now() - timezone.timedelta(minutes=settings.VIDEO_STUCK_MINUTES)


def _claim(video_id: int) -> VideoAsset | None:
    """The asset, marked ``processing`` by this run; ``None`` when there is nothing
    to do: deleted, ``ready``, or being transcoded by a live run (``processing``
    with a recent heartbeat). A ``processing`` asset whose heartbeat stopped
    belonged to a run that died (a killed worker); this run takes it over."""
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=video_id).first()
        if asset is None or asset.status == VideoStatus.READY:
            return None
        if (
            asset.status == VideoStatus.PROCESSING
            and asset.updated_at >= _stuck_cutoff()
        ):
            return None
        asset.status = VideoStatus.PROCESSING
        asset.error = ""
        asset.save(update_fields=["status", "error", "updated_at"])
    return asset


def _mark_ready(video_id, probe: ProbeResult, renditions, run):
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=video_id).first()
        if asset is None or asset.status == VideoStatus.READY:
            # Deleted meanwhile, or a concurrent run finished first: drop ours.
            run.drop_output()
            return asset
        asset.status = VideoStatus.READY
        asset.error = ""
        asset.duration = probe.duration
        asset.width = probe.width
        asset.height = probe.height
        asset.has_audio = probe.has_audio
        asset.renditions = renditions
        asset.hls_path = run.name
        asset.poster.name = f"{run.name}/{POSTER_NAME}"
        asset.save()
    run.remove_stale(keep=run.token)
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


def _write_hls(source: str, probe: ProbeResult, out: Path) -> list[dict]:
    """Every rendition's playlist and segments, the master playlist and the poster,
    written under ``out``."""
    gop = max(1, round(probe.fps * HLS_TIME))
    renditions = []
    for rung in rendition_ladder(width=probe.width, height=probe.height):
        rendition_dir = out / rung.name
        rendition_dir.mkdir()
        source_input = _source(source, probe)
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


def _source(source: str, probe: ProbeResult, **options):
    """The uploaded file as ffmpeg's one input, read only by the demuxer the probe
    accepted and only through the ``file`` protocol (see ``probe``)."""
    return ffmpeg.input(source, f=probe.demuxer, **INPUT_OPTIONS, **options)


def _write_master(path: Path, renditions: list[dict]) -> None:
    # Kept on disk for tools reading the output directory; players get the master
    # from ``master_playlist_text`` (it adds the caption tracks).
    path.write_text(master_playlist_text(video=VideoAsset(renditions=renditions)))


def _write_poster(source: str, probe: ProbeResult, path: Path) -> None:
    at = min(1.0, probe.duration / 2)
    (
        _source(source, probe, ss=at)
        .output(str(path), vframes=1, **{"q:v": 3})
        .global_args("-nostdin", "-loglevel", "error")
        .run(capture_stdout=True, capture_stderr=True)
    )


def _describe(error: Exception) -> str:
    if isinstance(error, NotAVideo):
        return _("The source is not a readable video (%(why)s).") % {"why": error}
    if isinstance(error, ffmpeg.Error):
        return _("ffmpeg failed: %(why)s") % {"why": stderr_tail(error=error)}
    if isinstance(error, FileNotFoundError) and error.filename is None:
        return _("The uploaded original is missing from the media storage.")
    if isinstance(error, OSError):
        return _("Could not write the video files: %(why)s") % {
            "why": error.strerror or error
        }
    return _("Transcoding failed unexpectedly (%(kind)s).") % {
        "kind": type(error).__name__
    }


def videos_requeue_stuck(*, older_than_minutes: int, include_failed: bool) -> list:
    """Ids of assets left ``uploaded`` or ``processing`` (and ``failed`` if asked)
    for longer than ``older_than_minutes``; each is queued for transcoding again.

    A ``processing`` asset's ``updated_at`` is its run's heartbeat (every
    ``VIDEO_TRANSCODE_HEARTBEAT_SECONDS``), so one that is still being transcoded is
    never stale; one left behind by a killed worker is. ``uploaded`` ones are those
    whose task was lost (the broker was down) or waits in a long queue. Each
    requeued asset goes back to ``uploaded`` with ``updated_at`` now, so the sweeper
    (beat, every minute: ``content.requeue_stuck_videos``) queues it again only after
    another ``older_than_minutes``; a duplicate task finds it ``ready`` or claimed
    and does nothing."""
    statuses = [VideoStatus.UPLOADED, VideoStatus.PROCESSING]
    if include_failed:
        statuses.append(VideoStatus.FAILED)
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    ids = []
    for video_id in VideoAsset.objects.filter(
        status__in=statuses, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        # Only if it is still stale now (a heartbeat may just have arrived).
        if VideoAsset.objects.filter(
            pk=video_id, status__in=statuses, updated_at__lt=cutoff
        ).update(status=VideoStatus.UPLOADED, updated_at=timezone.now()):
            ids.append(video_id)
    for video_id in ids:
        transcode_enqueue(video_id=video_id)
    return ids


def transcode_enqueue(*, video_id: int) -> None:
    from ...tasks import MEDIA_QUEUE, transcode_video

    enqueue(transcode_video, args=(video_id,), queue=MEDIA_QUEUE)


class _Heartbeat:
    """While a run transcodes, touch its asset's ``updated_at`` every
    ``VIDEO_TRANSCODE_HEARTBEAT_SECONDS`` from a thread, so that the sweeper and
    ``_claim`` can tell a live run (recent heartbeat) from a dead one."""

    def __init__(self, video_id: int) -> None:
        self.video_id = video_id
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._run, name=f"transcode-heartbeat-{video_id}", daemon=True
        )

    def _run(self) -> None:
        from django.db import connection

        interval = settings.VIDEO_TRANSCODE_HEARTBEAT_SECONDS
        try:
            while not self.stop.wait(interval):
                try:
                    VideoAsset.objects.filter(
                        pk=self.video_id, status=VideoStatus.PROCESSING
                    ).update(updated_at=timezone.now())
                except Exception:  # a lost beat is harmless; the next one retries
                    logger.warning("video %s: heartbeat failed", self.video_id)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
