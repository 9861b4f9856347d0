from celery import shared_task
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

# Transcoding runs on its own queue (``celery -A portal worker -Q media``).
MEDIA_QUEUE = "media"


@shared_task(name="content.publish_scheduled")
def publish_scheduled() -> None:
    """Publish and expire pages whose scheduled time has come (Wagtail's own
    command); beat runs it every minute."""
    call_command("publish_scheduled")


@shared_task(
    name="content.transcode_video",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def transcode_video(video_id: int) -> str | None:
    """Transcode a video asset to HLS (``content.services.videos``). Idempotent: a
    ``ready`` asset is left alone, a re-delivered run starts over cleanly. Send it
    with ``queue=MEDIA_QUEUE`` (``video_services`` does)."""
    from .services.videos import video_transcode

    asset = video_transcode(video_id=video_id)
    return asset.status if asset is not None else None


@shared_task(name="content.requeue_stuck_videos")
def requeue_stuck_videos() -> int:
    """Beat's sweeper (every minute): queue again the videos whose transcoding task
    was lost or whose worker died (``videos_requeue_stuck``)."""
    from django.conf import settings

    from .services.videos import videos_requeue_stuck

    return len(
        videos_requeue_stuck(
            older_than_minutes=settings.VIDEO_STUCK_MINUTES, include_failed=False
        )
    )
