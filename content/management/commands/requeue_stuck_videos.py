"""Queue again the videos whose transcoding never finished (a lost task, a worker
killed mid-way): ``manage.py requeue_stuck_videos --older-than-minutes 90``."""

from django.core.management.base import BaseCommand

from content.services.videos import videos_requeue_stuck


class Command(BaseCommand):
    help = (
        "Re-queue transcoding of videos left 'uploaded' or 'processing' (and "
        "optionally 'failed') for longer than the given minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=120)
        parser.add_argument(
            "--include-failed",
            action="store_true",
            help="Also retry videos whose transcoding failed.",
        )

    def handle(self, *args, older_than_minutes: int, include_failed: bool, **kw):
        ids = videos_requeue_stuck(
            older_than_minutes=max(0, older_than_minutes),
            include_failed=include_failed,
        )
        self.stdout.write(f"Re-queued {len(ids)} video(s).")
