from celery import shared_task

from .services import job_file_expire


@shared_task(name="jobs.expire_files")
def expire_job_files() -> int:
    return job_file_expire()
