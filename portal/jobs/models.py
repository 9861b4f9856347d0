"""Long-running work (bulk enrollment, reports, exports): a row with a status and
progress that a Celery task updates and ``GET /api/v1/jobs/{id}`` shows."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from portal.storage import storage_is_local


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class JobFileStorage(LazyObject):
    """Where job downloads live. On local disk, outside MEDIA_ROOT (which the
    development server serves to anyone), in JOB_FILES_ROOT; on object storage
    (``MEDIA_STORAGE=s3``), in the private media bucket under ``jobs/``. Either
    way only the job's view hands them out, to the job's creator."""

    def _setup(self):
        if storage_is_local(default_storage):
            self._wrapped = FileSystemStorage(location=settings.JOB_FILES_ROOT)
        else:
            self._wrapped = default_storage


job_file_storage = JobFileStorage()


@receiver(setting_changed)
def _storage_setting_changed(*, setting, **kwargs):
    # As Django's own storages do: follow the settings a test changes.
    if setting in ("STORAGES", "MEDIA_ROOT", "JOB_FILES_ROOT"):
        job_file_storage._wrapped = empty


def job_file_storage_get() -> JobFileStorage:
    """The storage as a callable, so migrations name this function rather than a
    path on the machine that made them."""
    return job_file_storage


class Job(models.Model):
    """One piece of long-running work started by a person: what it is (``kind``), the
    input its task reads (``params``), how far it got, and what came out (a per-row
    report in ``result``, or a file to download until ``file_expires_at``)."""

    kind = models.CharField(max_length=50)
    # The Celery task that runs it, so a job whose task was lost (broker down when
    # it was sent) is sent again by ``jobs.requeue_stale``.
    task_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(
        storage=job_file_storage_get,
        upload_to="jobs/%Y/%m/",
        blank=True,
        max_length=255,
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_expires_at = models.DateTimeField(null=True, blank=True)
    # A single-use file (a personal-data export) is served once: the download that
    # claims it deletes it when the response ends, and the link is gone for good.
    file_single_use = models.BooleanField(default=False)
    file_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="jobs_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["creator", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def file_is_live(self, *, now=None) -> bool:
        """Whether the job's file may still be downloaded: attached, not expired,
        and, if single-use, not downloaded yet."""
        from django.utils import timezone

        return bool(
            self.file
            and self.file_expires_at is not None
            and self.file_expires_at > (now or timezone.now())
            and not (self.file_single_use and self.file_downloaded_at is not None)
        )
