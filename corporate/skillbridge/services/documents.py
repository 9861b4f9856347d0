"""The commander's approval document: stored encrypted (the same keys as the
encrypted fields), with the sha256 of its content checked on every read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.crypto.fields import decrypt_bytes, encrypt_bytes, rotate_bytes
from portal.crypto.services import DEFAULT_BATCH_SIZE, Rotation
from portal.errors import DomainError, InvalidInput, NotFound

from ..models import Participant
from ..selectors import staff_require

ALLOWED_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes
    content_type: str
    sha256: str


def _content_type(data: bytes) -> str | None:
    for magic, content_type in ALLOWED_TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


@transaction.atomic
def approval_document_attach(
    *, actor: User, participant: Participant, name: str, data: bytes
) -> Participant:
    """Store the approval document (PDF, PNG or JPEG, at most
    ``SKILLBRIDGE_DOCUMENT_MAX_BYTES``) encrypted, with its sha256 and size."""
    staff_require(actor)
    if not data:
        raise InvalidInput("The file is empty.", field="file")
    if len(data) > settings.SKILLBRIDGE_DOCUMENT_MAX_BYTES:
        raise InvalidInput(
            f"The file is over {settings.SKILLBRIDGE_DOCUMENT_MAX_BYTES} bytes.",
            field="file",
        )
    if _content_type(data) is None:
        raise InvalidInput("Send a PDF, PNG or JPEG document.", field="file")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    old = participant.approval_document.name
    checksum = hashlib.sha256(data).hexdigest()
    participant.approval_document.save(
        "approval.bin", ContentFile(encrypt_bytes(data)), save=False
    )
    participant.approval_document_name = (name or "approval")[:200]
    participant.approval_document_sha256 = checksum
    participant.approval_document_size = len(data)
    participant.save()
    if old:
        storage = participant.approval_document.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit_log_record(
        action="skillbridge.approval_document_attached",
        user=actor,
        resource_type="skillbridge_participant",
        resource_id=participant.pk,
        details={"sha256": checksum, "size": len(data)},
    )
    return participant


def approval_document_read(*, actor: User, participant: Participant) -> Document:
    """The decrypted document, after checking its checksum; the read is audited."""
    staff_require(actor)
    if not participant.approval_document:
        raise NotFound("No approval document.")
    with participant.approval_document.open("rb") as handle:
        data = decrypt_bytes(handle.read())
    checksum = hashlib.sha256(data).hexdigest()
    if checksum != participant.approval_document_sha256:
        raise DomainError(
            "The stored document does not match its checksum.",
            code="SERVER_ERROR",
            status=500,
        )
    audit_log_record(
        action="skillbridge.read_document",
        user=actor,
        resource_type="skillbridge_participant",
        resource_id=participant.pk,
        details={"cohort_id": participant.cohort_id, "sha256": checksum},
    )
    return Document(
        name=participant.approval_document_name or "approval",
        content=data,
        content_type=_content_type(data) or "application/octet-stream",
        sha256=checksum,
    )


def approval_documents_reencrypt(
    *, batch_size: int = DEFAULT_BATCH_SIZE
) -> dict[str, Rotation]:
    """Every approval document under the current encryption key (``manage.py
    reencrypt``). A re-encrypted file is written under a new name and the row
    pointed at it before the old file goes (after the commit), so a failure midway
    leaves each row with a readable file."""
    counts = Rotation()
    rows = Participant.objects.exclude(approval_document="").order_by("pk")
    last_pk = None
    while True:
        with transaction.atomic():
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            found = list(batch.select_for_update()[:batch_size])
            for participant in found:
                counts.count(_document_reencrypt(participant))
        if len(found) < batch_size:
            return {"skillbridge.Participant (approval documents)": counts}
        last_pk = found[-1].pk


def _document_reencrypt(participant: Participant) -> str:
    with participant.approval_document.open("rb") as handle:
        rotated = rotate_bytes(handle.read())
    if rotated is None:
        return "current"
    old = participant.approval_document.name
    storage = participant.approval_document.storage
    participant.approval_document.save("approval.bin", ContentFile(rotated), save=False)
    Participant.objects.filter(pk=participant.pk).update(
        approval_document=participant.approval_document.name
    )
    transaction.on_commit(lambda: storage.delete(old))
    return "rotated"
