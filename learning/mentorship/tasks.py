"""Beat's mentorship work (schedules in ``portal/settings/components/celery.py``).
Safe to run twice at once: every message has an idempotency key."""

from celery import shared_task

from . import services


@shared_task(name="mentorship.send_reminders")
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(name="mentorship.send_weekly_digest")
def send_weekly_digest() -> int:
    return services.digest_send()
