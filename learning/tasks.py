from celery import shared_task

from .services.certificates import certificate_issue, certificate_pdf_store


@shared_task(
    name="learning.issue_certificate",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def issue_certificate(enrollment_id: int) -> int:
    """Issue the certificate of a completed enrollment and render its PDF. Safe to
    run twice: the second run finds the certificate and the file."""
    certificate = certificate_issue(enrollment_id=enrollment_id)
    certificate_pdf_store(certificate=certificate)
    return certificate.pk


@shared_task(name="learning.issue_missing_certificates")
def issue_missing_certificates() -> int:
    """Beat's sweeper: certificates whose issuing task was lost."""
    from .services.certificates import certificates_missing_enqueue

    return len(certificates_missing_enqueue(older_than_minutes=5))
