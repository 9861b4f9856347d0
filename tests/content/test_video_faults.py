"""Faults around video: a full disk during upload, a worker killed mid-transcode
(issue 13, Faults)."""

import os
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from content.media import VideoAsset, VideoStatus
from content.services.videos import video_transcode, videos_requeue_stuck
from content.tasks import requeue_stuck_videos
from tests.content.video_clips import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_disk(tmp_path):
    """A real 64 KiB filesystem (tmpfs): writing more fails with ENOSPC as on a
    full disk. Needs root (mount), as CI and the project's machines have."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


class TestDiskFullDuringUpload:
    def test_storage_full_is_507_and_nothing_half_written_stays(
        self, client_as, course_instructor, clip, settings, full_disk
    ):
        settings.MEDIA_ROOT = full_disk
        settings.VIDEO_MAX_UPLOAD_MB = 5
        source = clip(size="640x360", seconds=3)
        assert source.stat().st_size > 64 * 1024  # bigger than the disk
        response = upload(client_as(course_instructor), source)
        assert response.status_code == 507, response.content
        body = response.json()
        assert body["status"] == "error"
        assert body["errors"][0]["code"] == "INSUFFICIENT_STORAGE"
        assert "storage is full" in body["errors"][0]["message"]
        assert response["Retry-After"]
        assert not VideoAsset.objects.exists()
        assert files_under(full_disk) == []

    def test_temporary_upload_space_full_is_507(
        self, client_as, course_instructor, clip, settings, full_disk, tmp_path
    ):
        """Django spools big request bodies to FILE_UPLOAD_TEMP_DIR before the view
        runs; that disk filling up is answered the same way."""
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.FILE_UPLOAD_TEMP_DIR = str(full_disk)
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        settings.VIDEO_MAX_UPLOAD_MB = 5
        response = upload(client_as(course_instructor), clip(size="640x360", seconds=3))
        assert response.status_code == 507, response.content
        assert response.json()["errors"][0]["code"] == "INSUFFICIENT_STORAGE"
        assert not VideoAsset.objects.exists()
        assert files_under(full_disk) == []


@pytest.fixture
def uploaded_video(client_as, course_instructor, clip, media_root):
    """A stored, not yet transcoded video (the transcode task not run)."""
    response = upload(client_as(course_instructor), clip(size="320x240"))
    assert response.status_code == 201
    return VideoAsset.objects.get(pk=response.json()["data"]["id"])


class TestKilledWorker:
    def test_a_live_run_is_not_taken_over(self, uploaded_video):
        """``processing`` with a recent heartbeat: a second delivery of the task
        (the broker's late re-delivery, a sweeper duplicate) does nothing."""
        VideoAsset.objects.filter(pk=uploaded_video.pk).update(
            status=VideoStatus.PROCESSING, updated_at=timezone.now()
        )
        assert video_transcode(video_id=uploaded_video.pk) is None
        uploaded_video.refresh_from_db()
        assert uploaded_video.status == VideoStatus.PROCESSING
        assert not (Path(uploaded_video.original.path).parents[2] / "hls").exists()

    def test_a_dead_runs_video_is_requeued_and_its_partial_output_cleaned(
        self, uploaded_video, media_root, settings
    ):
        """The state a SIGKILLed worker leaves: ``processing``, heartbeat stopped,
        a half-written ``.tmp-`` directory. Beat's sweeper queues it again; the new
        run removes the partial output and finishes; it was never ``ready`` before."""
        partial = media_root / "hls" / str(uploaded_video.pk) / ".tmp-deadbeef"
        (partial / "720p").mkdir(parents=True)
        (partial / "720p" / "segment_00000.ts").write_bytes(b"half")
        stale = timezone.now() - timedelta(minutes=settings.VIDEO_STUCK_MINUTES + 1)
        VideoAsset.objects.filter(pk=uploaded_video.pk).update(
            status=VideoStatus.PROCESSING, updated_at=stale
        )
        assert requeue_stuck_videos() == 1  # the beat task; eager Celery runs it
        uploaded_video.refresh_from_db()
        assert uploaded_video.status == VideoStatus.READY
        assert not partial.exists()
        assert (media_root / uploaded_video.hls_path / "master.m3u8").is_file()

    def test_the_sweeper_leaves_live_and_recent_work_alone(self, uploaded_video):
        VideoAsset.objects.filter(pk=uploaded_video.pk).update(
            status=VideoStatus.PROCESSING, updated_at=timezone.now()
        )
        assert videos_requeue_stuck(older_than_minutes=3, include_failed=False) == []

    @pytest.mark.django_db(transaction=True)
    def test_the_heartbeat_keeps_a_long_run_fresh(self, uploaded_video, settings):
        """A run longer than the stuck threshold is not mistaken for a dead one:
        its heartbeat (another thread, its own connection: committed data, hence a
        transactional test) moves ``updated_at`` while ffmpeg works."""
        from content.services.videos.transcode import _Heartbeat

        settings.VIDEO_TRANSCODE_HEARTBEAT_SECONDS = 0.05
        old = timezone.now() - timedelta(hours=1)
        VideoAsset.objects.filter(pk=uploaded_video.pk).update(
            status=VideoStatus.PROCESSING, updated_at=old
        )
        with _Heartbeat(uploaded_video.pk):
            time.sleep(0.3)
        uploaded_video.refresh_from_db()
        assert uploaded_video.updated_at > old + timedelta(minutes=59)


def test_beat_runs_the_sweepers():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "content.requeue_stuck_videos",
        "notifications.redeliver",
        "learning.issue_missing_certificates",
    } <= tasks
    # A killed worker's task is re-delivered only after the visibility timeout,
    # which must outlast the longest task (else a live run is duplicated).
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
