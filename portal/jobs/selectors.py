"""Who sees a job: its creator and admins; anyone else is told it does not exist."""

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import NotFound

from .models import Job


def job_get_visible(*, actor: User, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (is_admin(actor) or job.creator_id == actor.pk):
        raise NotFound("Job not found.")
    return job


def job_download_get(*, actor: User, job_id: int) -> Job:
    """The job's file, for its creator only (not admins: it may hold another
    organization's people), and only until it expires or, for a single-use file,
    until it was downloaded once."""
    job = Job.objects.filter(pk=job_id, creator_id=actor.pk).first()
    if job is None or not job.file_is_live():
        raise NotFound("This download does not exist or has expired.")
    return job
