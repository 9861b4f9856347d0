"""Video upload: validated with ffprobe before anything is kept, then queued for
transcoding (``transcode.video_transcode``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.errors import InvalidInput

from ...media import VideoAsset
from .probe import NotAVideo, video_probe
from .transcode import transcode_enqueue


def video_upload(*, actor: User, title: str, file: UploadedFile) -> VideoAsset:
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
            probe = video_probe(path=path)
        except NotAVideo:
            raise InvalidInput(
                _(
                    "The file is not a video file ffprobe can read. Upload an MP4, "
                    "MOV, WebM, MKV, AVI or MPEG-TS video."
                ),
                field="file",
            ) from None
        asset = VideoAsset(
            title=title,
            owner=actor,
            duration=probe.duration,
            width=probe.width,
            height=probe.height,
            has_audio=probe.has_audio,
        )
        _store_original(asset, path)
    try:
        with transaction.atomic():
            asset.save()
            transaction.on_commit(lambda: transcode_enqueue(video_id=asset.pk))
    except BaseException:
        asset.original.delete(save=False)
        raise
    return asset


def _store_original(asset: VideoAsset, path: str) -> None:
    """Copy the probed upload into storage under a generated name. A failed copy (a
    full disk: ``OSError`` ENOSPC, answered 507 by ``portal.errors``) removes what
    it half-wrote, so no truncated original is left for a transcode to find."""
    field = asset.original
    name = field.storage.get_available_name(
        field.field.generate_filename(asset, "upload")
    )
    try:
        with open(path, "rb") as handle:
            name = field.storage.save(name, File(handle))
    except BaseException:
        field.storage.delete(name)
        raise
    field.name = name


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
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self.file.chunks():
                    out.write(chunk)
        except BaseException:  # a full disk: no half-written copy stays behind
            Path(self.temp).unlink(missing_ok=True)
            raise
        return self.temp

    def __exit__(self, *exc) -> None:
        if self.temp:
            Path(self.temp).unlink(missing_ok=True)
