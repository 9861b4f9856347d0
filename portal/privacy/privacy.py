"""This app's answers to the personal-data extension points (``portal.hooks``):
the consent ledger. An erased person withdraws every consent they had given; the
ledger itself is kept as proof of what was consented to and when (GDPR Art. 7(1))
and holds nothing that identifies them."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import ConsentRecord, ConsentSource
from .selectors import consent_current_list

RELATIONS = ("privacy.ConsentRecord.user", "privacy.ErasedAccount.user")


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "privacy.consents": list(
            ConsentRecord.objects.filter(user=user)
            .order_by("at", "pk")
            .values("purpose", "granted", "at", "source")
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    granted = [r.purpose for r in consent_current_list(user=user) if r.granted]
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user=user, purpose=purpose, granted=False, source=ConsentSource.ERASURE
        )
        for purpose in granted
    )
    return [
        Erasure(
            "privacy.ConsentRecord",
            Erasure.KEPT,
            ConsentRecord.objects.filter(user=user).count(),
            "The consent ledger is proof of what was consented to and when (GDPR "
            "Art. 7(1)); every consent still given is withdrawn by a new row, and "
            "the rows name only the anonymized account.",
        )
    ]
