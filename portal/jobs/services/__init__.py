"""Starting a job and recording what its task does.

``job_start`` records the job in the caller's transaction and queues its task after
commit (never inside the transaction: a worker could look for a row that is not there
yet). The task calls ``job_run`` with the work to do; the work reports progress and
rows through a ``JobRun`` that writes them in their own short transactions, so
``GET /api/v1/jobs/{id}`` sees them while the work runs, and a failure half-way keeps
what was recorded up to it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.queue import enqueue, enqueue_on_commit

from ..models import FINISHED, Job, JobStatus

logger = logging.getLogger(__name__)

# A running job writes its progress at most this often (seconds), and always at the
# end, so ten thousand rows are not ten thousand updates.
PROGRESS_INTERVAL = 0.5


def job_start(
    *,
    actor: User,
    kind: str,
    task: Any,
    params: dict | None = None,
    total: int = 0,
) -> Job:
    """Record a queued job for ``actor`` and send ``task`` (a Celery task taking the
    job's id) once the caller's transaction commits."""
    job = Job.objects.create(
        kind=kind,
        creator=actor,
        params=params or {},
        progress_total=total,
        task_name=task.name,
    )
    audit_log_record(
        action="job.started",
        user=actor,
        resource_type="job",
        resource_id=job.pk,
        details={"kind": kind},
    )
    # A broker outage does not fail the request: the job stays queued and
    # ``job_requeue_stale`` sends it again.
    enqueue_on_commit(task, args=(job.pk,))
    return job


# A queued job not started after this long lost its task (sent while the broker was
# down, or dropped): it is sent again. Running it twice is harmless (``job_run``
# skips a finished job).
REQUEUE_AFTER = timedelta(minutes=5)


def job_requeue_stale(*, now=None) -> int:
    """Send again the task of every job still queued ``REQUEUE_AFTER`` after it was
    created (Celery beat, ``jobs.requeue_stale``); how many were sent."""
    from celery import current_app

    cutoff = (now or timezone.now()) - REQUEUE_AFTER
    sent = 0
    stale = Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff)
    for job_id, task_name in stale.exclude(task_name="").values_list("pk", "task_name"):
        # By name: routed like the original send, whichever modules this process
        # happened to import.
        if enqueue(current_app.signature(task_name), args=(job_id,)):
            sent += 1
    return sent


class JobRun:
    """What a job's work sees: ``progress(done, total)``, ``row(...)`` for a per-row
    report, ``result`` (a dict the work may fill) and ``attach(...)`` for a file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.rows: list[dict] = []
        self.result: dict = {}
        self._saved_at = 0.0

    @property
    def params(self) -> dict:
        return self.job.params

    def progress(self, *, done: int, total: int | None = None, force: bool = False):
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        now = time.monotonic()
        if force or now - self._saved_at >= PROGRESS_INTERVAL:
            self._save(["progress_done", "progress_total", "result"])
            self._saved_at = now

    def row(self, row: dict) -> None:
        """Record one processed row of the report; counts as one step done."""
        self.rows.append(row)
        self.progress(done=len(self.rows))

    def attach(
        self,
        *,
        name: str,
        content: bytes | File,
        content_type: str,
        single_use: bool = False,
        ttl_hours: int | None = None,
    ) -> None:
        """Keep ``content`` (bytes, or a Django ``File``: a large one is streamed,
        never read whole) as the job's download for ``ttl_hours`` (default
        ``JOB_FILE_TTL_HOURS``); a ``single_use`` file is served once."""
        if isinstance(content, bytes):
            content = ContentFile(content)
        self.job.file.save(name, content, save=False)
        self.job.file_name = name
        self.job.file_content_type = content_type
        self.job.file_single_use = single_use
        self.job.file_expires_at = timezone.now() + timedelta(
            hours=settings.JOB_FILE_TTL_HOURS if ttl_hours is None else ttl_hours
        )

    def _current_result(self) -> dict:
        result = dict(self.result)
        if self.rows or "rows" in result:
            result["rows"] = self.rows
        return result

    def _save(self, fields: list[str]) -> None:
        self.job.result = self._current_result()
        with transaction.atomic():
            self.job.save(update_fields=fields)


def job_run(*, job_id: int, work: Callable[[JobRun], None]) -> Job | None:
    """Run ``work`` for a queued (or, after a lost worker, running) job and record
    how it ended. An exception fails the job with a short message and keeps the rows
    recorded before it; ``None`` when the job is gone or already finished (a task
    delivered twice)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED:
            return None
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
    run = JobRun(job)
    try:
        work(run)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.error = _failure_message(exc)
    else:
        job.status = JobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    run._save(
        [
            "status",
            "error",
            "finished_at",
            "progress_done",
            "progress_total",
            "result",
            "file",
            "file_name",
            "file_content_type",
            "file_expires_at",
            "file_single_use",
        ]
    )
    return job


def _failure_message(exc: Exception) -> str:
    """What the creator is told: a domain error's own message, otherwise a generic
    sentence (an unexpected error's text may name tables or servers)."""
    from portal.errors import DomainError

    if isinstance(exc, DomainError):
        return exc.message
    return "The job stopped because of an unexpected error; rows reported were applied."


def job_file_expire(*, now: Any = None) -> int:
    """Delete download files past their expiry, and single-use files already
    downloaded whose deletion did not happen (the rows stay); how many."""
    now = now or timezone.now()
    count = 0
    gone = Q(file_expires_at__lt=now) | Q(
        file_single_use=True, file_downloaded_at__isnull=False
    )
    for job in Job.objects.filter(gone).exclude(file=""):
        _file_discard(job)
        count += 1
    return count


def job_file_claim(*, job: Job) -> Job:
    """Claim the download of ``job``'s file (already checked live and the actor's,
    by ``selectors.job_download_get``). A single-use file is marked downloaded
    under a row lock, so of two racing requests only one gets it (the other: 404,
    as if it had never been there). Call ``job_file_open`` next."""
    if not job.file_single_use:
        return job
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if not locked.file_is_live():
            from portal.errors import NotFound

            raise NotFound("This download does not exist or has expired.")
        locked.file_downloaded_at = timezone.now()
        locked.save(update_fields=["file_downloaded_at"])
    return locked


def job_file_open(*, job: Job):
    """The claimed file, open for reading; a single-use one deletes itself from
    storage when the response that sends it closes it."""
    handle = job.file.open("rb")
    if not job.file_single_use:
        return handle
    return _DiscardOnClose(handle, job_id=job.pk)


class _DiscardOnClose(File):
    """A file that removes its job's stored copy once closed (Django closes a
    ``FileResponse``'s file when the response is finished)."""

    def __init__(self, handle, *, job_id: int) -> None:
        super().__init__(handle, name=handle.name)
        self._job_id = job_id

    def close(self) -> None:
        super().close()
        job = Job.objects.filter(pk=self._job_id).first()
        if job is not None and job.file:
            _file_discard(job)


def _file_discard(job: Job) -> None:
    job.file.delete(save=False)
    job.file_name = ""
    job.save(update_fields=["file", "file_name"])
