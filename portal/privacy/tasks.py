"""Celery tasks of ``portal.privacy``: thin, they take a job id and call a service.
``acks_late``: a worker lost half-way runs the job again (the erasure is one
transaction, the export rebuilt from scratch)."""

from celery import shared_task


@shared_task(name="privacy.build_export", acks_late=True)
def build_personal_data_export(job_id: int) -> None:
    from .services import personal_data_export_run

    personal_data_export_run(job_id=job_id)


@shared_task(name="privacy.erase", acks_late=True)
def erase_personal_data(job_id: int) -> None:
    from .services import personal_data_erase_run

    personal_data_erase_run(job_id=job_id)
