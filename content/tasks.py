from celery import shared_task
from django.core.management import call_command


@shared_task(name="content.publish_scheduled")
def publish_scheduled() -> None:
    """Publish and expire pages whose scheduled time has come (Wagtail's own
    command); beat runs it every minute."""
    call_command("publish_scheduled")
