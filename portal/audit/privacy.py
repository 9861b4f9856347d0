"""This app's answers to the personal-data extension points (``portal.hooks``):
the audit entries a person made or that are about them. Erasure pseudonymizes
them and never deletes one (``audit_entries_redact``), so every chain still
verifies."""

from __future__ import annotations

from django.db.models import Q

from portal.hooks import Erasure, personal_data_covers
from portal.redaction import person_needles

from .models import AuditLog
from .services import audit_entries_redact

RELATIONS = ("audit.AuditLog.user",)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    entries = AuditLog.objects.filter(
        Q(actor_id=user.pk) | Q(resource_type="user", resource_id=str(user.pk))
    ).order_by("created_at", "pk")
    return {
        "audit.entries": list(
            entries.values(
                "created_at",
                "action",
                "actor_id",
                "resource_type",
                "resource_id",
                "ip_address",
                "user_agent",
                "details",
            )
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    rows = audit_entries_redact(user_id=user.pk, needles=person_needles(user))
    return [
        Erasure(
            "audit.AuditLog",
            Erasure.ANONYMIZED,
            rows,
            "The audit log is kept for security and accountability (GDPR Art. 5(2), "
            "6(1)(f)); entries are pseudonymized, never deleted: the address, IP "
            "address, browser and the person's name or e-mail in details are "
            "removed, and the hash chain still verifies.",
        )
    ]
