"""Celery tasks of the partner side: thin, they take ids and call a service."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Invitation

logger = logging.getLogger(__name__)


@shared_task(name="corporate.bulk_enrollment", acks_late=True)
def run_bulk_enrollment(job_id: int) -> None:
    from .services import bulk_enrollment_run

    bulk_enrollment_run(job_id=job_id)


@shared_task(name="corporate.progress_report", acks_late=True)
def build_progress_report(job_id: int) -> None:
    from .services import report_job_run

    report_job_run(job_id=job_id)


@shared_task(name="corporate.weekly_reports")
def send_weekly_reports() -> int:
    from .services import weekly_reports_send

    return weekly_reports_send()


@shared_task(
    name="corporate.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(invitation_id: int, token: str) -> bool:
    """Mail an invitation link straight through Django's mail API: the invitee has
    no account yet, so ``notify`` (which needs a user) cannot carry it."""
    from .services.organizations import invitation_url

    invitation = (
        Invitation.objects.select_related("organization", "course", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "url": invitation_url(token=token),
        "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
    }
    subject = render_to_string("corporate/email/invitation_subject.txt", context)
    body = render_to_string("corporate/email/invitation_body.txt", context)
    send_mail(
        subject.strip(),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    return True
