"""A job whose task was lost (the broker was down when the request sent it, or the
message was dropped) does not stay queued for ever: the beat task
``jobs.requeue_stale`` sends it again once it is a few minutes old."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.jobs.models import Job, JobStatus
from portal.jobs.tasks import requeue_stale_jobs
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def lost_export(api_client, user, django_capture_on_commit_callbacks) -> Job:
    signed_in(api_client, user)
    # The on-commit send is captured and never run: the task is lost.
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client.post("/api/v1/users/me/export")
    assert response.status_code == 202
    return Job.objects.get(pk=response.json()["data"]["job"]["id"])


def test_a_lost_job_is_sent_again_once_stale(
    api_client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    job = lost_export(api_client, user, django_capture_on_commit_callbacks)
    assert job.task_name == "privacy.build_export"

    # Still young: it may just be waiting for a worker.
    assert requeue_stale_jobs.delay().get() == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    # A second export meanwhile is refused while this one is pending.
    assert api_client.post("/api/v1/users/me/export").status_code == 409

    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    assert requeue_stale_jobs.delay().get() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.file
    # Finished jobs are never sent again.
    assert requeue_stale_jobs.delay().get() == 0


def test_it_runs_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-jobs"]
    assert entry["task"] == requeue_stale_jobs.name
