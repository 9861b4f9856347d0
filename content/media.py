"""Video assets: an uploaded original and the adaptive HLS renditions made from it.

The original lives under ``videos/originals/`` with a generated name (the client's
file name is never used for a path); the transcoder writes each run's output to its
own directory under ``hls/<id>/`` and the asset points at the complete one
(``hls_path``) only once it is ``ready``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MASTER_PLAYLIST = "master.m3u8"
POSTER_NAME = "poster.jpg"


def original_upload_to(instance, filename: str) -> str:
    """A fresh random name: the uploaded name is ignored on purpose."""
    return f"videos/originals/{uuid.uuid4().hex}"


class VideoStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class VideoAsset(models.Model):
    """A video an instructor uploaded, and its HLS renditions once transcoded.

    ``renditions`` lists ``{name, height, width, bandwidth, playlist}`` with
    ``playlist`` relative to ``hls_path`` (itself relative to MEDIA_ROOT).
    """

    title = models.CharField(max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="video_assets",
    )
    original = models.FileField(upload_to=original_upload_to, max_length=255)
    status = models.CharField(
        max_length=16, choices=VideoStatus.choices, default=VideoStatus.UPLOADED
    )
    error = models.TextField(blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_audio = models.BooleanField(default=False)
    renditions = models.JSONField(default=list, blank=True)
    hls_path = models.CharField(
        max_length=255,
        blank=True,
        help_text="Directory of the HLS output, relative to MEDIA_ROOT.",
    )
    poster = models.FileField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "video asset"
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=VideoStatus.READY) | ~models.Q(hls_path=""),
                name="video_ready_has_hls",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def master_playlist(self) -> str:
        """The master playlist's path relative to MEDIA_ROOT ('' until ready)."""
        return f"{self.hls_path}/{MASTER_PLAYLIST}" if self.hls_path else ""


class VideoUsage(models.Model):
    """Which live module (of which course) shows which video: an index rebuilt when a
    module is published or unpublished, so access checks are one indexed query
    instead of a scan of StreamField bodies."""

    module = models.ForeignKey(
        "content.ModulePage", on_delete=models.CASCADE, related_name="video_usages"
    )
    course = models.ForeignKey(
        "content.CoursePage", on_delete=models.CASCADE, related_name="+"
    )
    video = models.ForeignKey(
        VideoAsset, on_delete=models.CASCADE, related_name="usages"
    )
    free_preview = models.BooleanField(
        default=False, help_text="Copied from the module: public without enrolling."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["module", "video"], name="content_one_usage"
            )
        ]
        indexes = [models.Index(fields=["video", "course"])]

    def __str__(self) -> str:
        return f"video {self.video_id} in module {self.module_id}"


def caption_upload_to(instance, filename: str) -> str:
    """A fresh random name: the uploaded name is ignored on purpose."""
    return f"videos/captions/{uuid.uuid4().hex}.vtt"


class VideoCaption(models.Model):
    """A WebVTT caption track of a video, one per language."""

    video = models.ForeignKey(
        VideoAsset, on_delete=models.CASCADE, related_name="captions"
    )
    language = models.CharField(
        max_length=35, help_text="BCP 47 language tag, e.g. en or pt-BR."
    )
    label = models.CharField(max_length=64, help_text="Shown in the player's menu.")
    file = models.FileField(upload_to=caption_upload_to, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="content_one_caption_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.video_id} [{self.language}]"
