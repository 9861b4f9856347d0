from celery import shared_task

from .services import job_file_expire, job_requeue_stale


@shared_task(name="jobs.expire_files")
def expire_job_files() -> int:
    return job_file_expire()


@shared_task(name="jobs.requeue_stale")
def requeue_stale_jobs() -> int:
    return job_requeue_stale()
