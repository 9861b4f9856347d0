"""Certificates: issue (once per completion of an enrollment: a revoked certificate
is replaced only after the course is completed again), render the PDF, revoke, and
verify by number or hash."""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, PermissionDenied
from portal.files import ATTACHMENT, presigned_redirect
from portal.notifications.services import notify
from portal.queue import enqueue, enqueue_on_commit
from portal.storage import storage_is_local
from portal.webhooks.services import webhook_event_emit

from ..models import Certificate, Enrollment, EnrollmentStatus
from .enrollment import enrollment_lock

logger = logging.getLogger(__name__)
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
FONT = "PortalSans"
FONT_BOLD = "PortalSans-Bold"


# --- Issue -------------------------------------------------------------------------


def _new_number(now) -> str:
    body = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{settings.CERTIFICATE_NUMBER_PREFIX}-{now:%Y}-{body[:4]}-{body[4:]}"


def _verification_hash(number: str, user_id: int, course_id: int, issued_at) -> str:
    message = f"{number}|{user_id}|{course_id}|{issued_at.isoformat()}"
    return salted_hmac("learning.certificate", message, algorithm="sha256").hexdigest()


def verification_url(*, certificate: Certificate) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}/certificates/verify/{certificate.number}/"


def _needs_new_certificate(enrollment: Enrollment, latest: Certificate) -> bool:
    """A revoked certificate is replaced only when the enrollment was completed again
    after the revocation. An administrator revoking the certificate of a course that
    stays completed (or a retried issuing task) must not bring a valid one back."""
    return (
        latest.revoked_at is not None
        and enrollment.completed_at is not None
        and enrollment.completed_at > latest.revoked_at
    )


@transaction.atomic
def certificate_issue(*, enrollment_id: int) -> Certificate:
    """Issue the certificate of a completed enrollment.

    Idempotent: the enrollment row is locked, and a second call returns the same
    certificate (the valid one, or the latest revoked one while the course has not
    been completed again since). A new certificate (new number, hash and, through the
    task, PDF) replaces a revoked one only when the enrollment was completed after the
    revocation; the old one stays and keeps verifying as revoked. The database allows
    one non-revoked certificate per enrollment.

    Errors: 409 when the enrollment is not completed and a certificate is due.
    Side effects: ``certificate.issued`` in the audit log (with ``replaces``, the
    revoked number, on a re-issue).
    """
    learner = Enrollment.objects.values("user_id", "course_id").get(pk=enrollment_id)
    enrollment = enrollment_lock(**learner)
    # The valid certificate if there is one, else the most recently revoked.
    latest = (
        Certificate.objects.filter(enrollment=enrollment)
        .order_by(F("revoked_at").desc(nulls_first=True), "-issued_at", "-pk")
        .first()
    )
    if latest is not None and not _needs_new_certificate(enrollment, latest):
        return latest
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise Conflict("The course is not completed yet.")
    return _certificate_create(enrollment, replaces=latest, actor=None)


def _certificate_create(
    enrollment: Enrollment, *, replaces: Certificate | None, actor: User | None
) -> Certificate:
    """A new certificate for a locked, completed enrollment that has no valid one;
    audited as ``certificate.issued`` (``replaces``: the revoked number; ``by``:
    the administrator who re-issued it)."""
    user, course = enrollment.user, enrollment.course
    now = timezone.now()
    validity = course.certificate_validity_days
    for _ in range(5):  # a number collision is astronomically rare; retry anyway
        number = _new_number(now)
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment,
                    user=user,
                    course=course,
                    number=number,
                    verification_hash=_verification_hash(
                        number, user.pk, course.pk, now
                    ),
                    holder_name=user.get_full_name() or user.email,
                    course_title=course.title,
                    issued_at=now,
                    expires_at=now + timedelta(days=validity) if validity else None,
                )
            break
        except IntegrityError:
            valid = Certificate.objects.filter(
                enrollment=enrollment, revoked_at__isnull=True
            ).first()
            if valid is not None:
                return valid
    else:
        raise Conflict("Could not issue the certificate; try again.")
    details = {"number": certificate.number, "course_id": course.pk}
    if replaces is not None:
        details["replaces"] = replaces.number
    if actor is not None:
        details["by"] = actor.pk
    audit_log_record(
        action="certificate.issued",
        user=actor or user,
        resource_type="certificate",
        resource_id=certificate.pk,
        details=details,
    )
    webhook_event_emit(event="certificate.issued", data=_certificate_data(certificate))
    notify(
        user=user,
        event="learning.certificate_issued",
        payload={
            "course_title": certificate.course_title,
            "number": certificate.number,
            "certificate_url": f"/learn/certificates/{certificate.pk}/",
            "verification_url": verification_url(certificate=certificate),
        },
        key=f"certificate_issued:{certificate.pk}",
    )
    return certificate


def certificates_missing_enqueue(*, older_than_minutes: int) -> list[int]:
    """Queue the issuing task again for enrollments completed more than
    ``older_than_minutes`` ago (and within a month) that have no valid certificate
    with its PDF, unless an admin revoked it after the completion. The task was
    lost (the broker was down at commit) or failed for good; issuing is idempotent.
    Beat runs this every few minutes (``learning.issue_missing_certificates``)."""
    from ..tasks import issue_certificate

    now = timezone.now()
    complete = Certificate.objects.filter(
        enrollment=OuterRef("pk"), revoked_at__isnull=True
    ).exclude(pdf="")
    revoked_since = Certificate.objects.filter(
        enrollment=OuterRef("pk"), revoked_at__gte=OuterRef("completed_at")
    )
    ids = list(
        Enrollment.objects.filter(
            status=EnrollmentStatus.COMPLETED,
            completed_at__lt=now - timedelta(minutes=older_than_minutes),
            completed_at__gt=now - timedelta(days=30),
        )
        .exclude(Exists(complete))
        .exclude(Exists(revoked_since))
        .values_list("pk", flat=True)[:500]
    )
    for enrollment_id in ids:
        if not enqueue(issue_certificate, args=(enrollment_id,)):
            break
    return ids


def _revoke(certificate: Certificate, *, actor: User, reason: str) -> bool:
    """Revoke a locked certificate; whether it was valid until now."""
    if certificate.revoked_at is not None:
        return False
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:2000]
    certificate.revoked_by = actor
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_log_record(
        action="certificate.revoked",
        user=actor,
        resource_type="certificate",
        resource_id=certificate.pk,
        details={"reason": certificate.revoked_reason},
    )
    return True


def _reason(reason: str, verb: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"Give a reason for {verb}.", field="reason")
    return reason


def _certificate_data(certificate: Certificate) -> dict:
    return {
        "certificate_id": certificate.pk,
        "number": certificate.number,
        "user_id": certificate.user_id,
        "course_id": certificate.course_id,
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
    }


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, actor: User, reason: str
) -> Certificate:
    """Revoke a certificate (it keeps verifying, as revoked) and tell its holder
    (``learning.certificate_revoked``, with the reason). Revoking a revoked
    certificate changes nothing and sends nothing."""
    reason = _reason(reason, "revoking")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if _revoke(certificate, actor=actor, reason=reason) and certificate.user_id:
        notify(
            user=certificate.user,
            event="learning.certificate_revoked",
            payload={
                "number": certificate.number,
                "course_title": certificate.course_title,
                "reason": certificate.revoked_reason,
            },
            key=f"certificate_revoked:{certificate.pk}",
        )
        webhook_event_emit(
            event="certificate.revoked", data=_certificate_data(certificate)
        )
    return certificate


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, actor: User, reason: str
) -> Certificate:
    """An administrator replaces a certificate with a new one (new number, hash and
    PDF; the holder's name and the course title as they are now), e.g. after a
    name change or a revocation made in error. The old certificate is revoked with
    ``reason`` if still valid (no revocation notice: the holder gets the new
    certificate). Only for a completed enrollment (409 otherwise). The PDF is
    rendered after commit. Audited as ``certificate.revoked`` and
    ``certificate.issued`` (``replaces``, ``by``)."""
    if not is_admin(actor):
        raise PermissionDenied("Only administrators may re-issue certificates.")
    reason = _reason(reason, "re-issuing")
    learner = Enrollment.objects.values("user_id", "course_id").get(
        pk=certificate.enrollment_id
    )
    enrollment = enrollment_lock(**learner)
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise Conflict("The course is not completed: nothing to certify.")
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    current = (
        Certificate.objects.select_for_update()
        .filter(enrollment=enrollment, revoked_at__isnull=True)
        .first()
    )
    if current is not None and current.pk != old.pk:
        raise Conflict(
            f"This enrollment already has a newer valid certificate "
            f"({current.number}).",
            code="CERTIFICATE_REPLACED",
        )
    _revoke(old, actor=actor, reason=reason)
    new = _certificate_create(enrollment, replaces=old, actor=actor)
    from ..tasks import issue_certificate

    enqueue_on_commit(issue_certificate, args=(enrollment.pk,))
    return new


# --- Verify ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    certificate: Certificate | None

    @property
    def found(self) -> bool:
        return self.certificate is not None

    @property
    def revoked(self) -> bool:
        return bool(self.certificate and self.certificate.revoked_at)

    @property
    def expired(self) -> bool:
        expires = self.certificate and self.certificate.expires_at
        return bool(expires and expires <= timezone.now())

    @property
    def valid(self) -> bool:
        return self.found and not self.revoked and not self.expired


def certificate_verify(
    *, number: str = "", verification_hash: str = ""
) -> Verification:
    """Look a certificate up by its public number or its verification hash. Unknown
    values simply find nothing; the caller shows no details then."""
    number = (number or "").strip().upper()
    verification_hash = (verification_hash or "").strip().lower()
    certificate = None
    if verification_hash and len(verification_hash) == 64:
        candidate = Certificate.objects.filter(
            verification_hash=verification_hash
        ).first()
        if candidate and constant_time_compare(
            candidate.verification_hash, verification_hash
        ):
            certificate = candidate
    elif number and len(number) <= 32:
        certificate = Certificate.objects.filter(number=number).first()
    return Verification(certificate)


# --- PDF ---------------------------------------------------------------------------


@cache
def _register_fonts() -> None:
    regular = Path(settings.CERTIFICATE_FONT)
    bold = Path(settings.CERTIFICATE_FONT_BOLD)
    for path in (regular, bold):
        if not path.exists():
            raise RuntimeError(
                f"Certificate font {path} is missing: install Debian's "
                "fonts-dejavu-core or set CERTIFICATE_FONT / CERTIFICATE_FONT_BOLD."
            )
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """A landscape A4 certificate: organization, holder, course, date, number and a QR
    code of the public verification URL. Fonts are embedded (DejaVu) so any name in
    Latin, Greek or Cyrillic script renders."""
    _register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {certificate.number}")
    pdf.setAuthor(settings.CERTIFICATE_ISSUER)
    pdf.setSubject(certificate.course_title)

    accent = colors.HexColor("#0b5cad")
    pdf.setStrokeColor(accent)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setLineWidth(1)
    pdf.rect(36, 36, width - 72, height - 72)

    center = width / 2
    pdf.setFillColor(accent)
    pdf.setFont(FONT_BOLD, 18)
    pdf.drawCentredString(center, height - 100, settings.CERTIFICATE_ISSUER)
    pdf.setFillColor(colors.black)
    pdf.setFont(FONT, 34)
    pdf.drawCentredString(center, height - 160, "Certificate of Completion")
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(center, height - 205, "This certifies that")
    pdf.setFont(FONT_BOLD, 30)
    pdf.drawCentredString(center, height - 250, certificate.holder_name)
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(center, height - 290, "has successfully completed the course")
    pdf.setFont(FONT_BOLD, 22)
    pdf.drawCentredString(center, height - 325, certificate.course_title)

    course = certificate.course
    _draw_template(pdf, course, width=width, height=height)

    pdf.setFont(FONT, 11)
    issued = f"Issued {certificate.issued_at:%d %B %Y}"
    if certificate.expires_at:
        issued += f" · valid until {certificate.expires_at:%d %B %Y}"
    pdf.drawString(70, 110, issued)
    pdf.drawString(70, 92, f"Certificate number {certificate.number}")
    url = verification_url(certificate=certificate)
    pdf.setFont(FONT, 9)
    pdf.drawString(70, 74, f"Verify at {url}")

    qr = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    size = 110
    drawing = Drawing(
        size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
    )
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 70 - size, 56)
    pdf.linkURL(url, (width - 70 - size, 56, width - 70, 56 + size))

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_template(pdf, course, *, width: float, height: float) -> None:
    """The course's certificate template (edited on the course page in Wagtail):
    its logo above the issuer, CE hours under the course title, and the
    signatory's line on the right."""
    if course is None:
        return
    logo = course.certificate_logo
    if logo is not None:
        try:
            with logo.open_file() as handle:
                reader = ImageReader(io.BytesIO(handle.read()))
            image_width, image_height = reader.getSize()
            scale = min(160 / image_width, 44 / image_height, 1)
            pdf.drawImage(
                reader,
                width / 2 - image_width * scale / 2,
                height - 86,
                width=image_width * scale,
                height=image_height * scale,
                mask="auto",
            )
        except (OSError, ValueError):
            logger.warning("Certificate logo of course %s unreadable", course.pk)
    if course.certificate_ce_hours is not None:
        pdf.setFont(FONT, 13)
        pdf.drawCentredString(
            width / 2,
            height - 352,
            f"{course.certificate_ce_hours:g} continuing-education (CE) hours",
        )
    if course.certificate_signatory_name:
        x = width - 300
        pdf.setLineWidth(0.8)
        pdf.line(x, 200, x + 200, 200)
        pdf.setFont(FONT_BOLD, 12)
        pdf.drawCentredString(x + 100, 184, course.certificate_signatory_name)
        if course.certificate_signatory_title:
            pdf.setFont(FONT, 10)
            pdf.drawCentredString(x + 100, 170, course.certificate_signatory_title)


def certificate_pdf_store(*, certificate: Certificate) -> Certificate:
    """Render and keep the PDF (idempotent: an existing file is kept)."""
    if certificate.pdf:
        return certificate
    certificate.pdf.save(
        f"{certificate.number}.pdf",
        ContentFile(certificate_pdf(certificate=certificate)),
        save=False,
    )
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate


def certificate_pdf_response(*, certificate: Certificate) -> HttpResponse:
    """The stored PDF (rendered now if the task has not run yet) as a download: the
    file itself from local storage, a redirect to a short-lived presigned URL from
    object storage."""
    certificate = certificate_pdf_store(certificate=certificate)
    filename = f"certificate-{certificate.number}.pdf"
    if not storage_is_local(certificate.pdf.storage):
        return presigned_redirect(
            storage=certificate.pdf.storage,
            name=certificate.pdf.name,
            content_type="application/pdf",
            disposition=ATTACHMENT,
            filename=filename,
            cache_control="private, no-cache",
        )
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
