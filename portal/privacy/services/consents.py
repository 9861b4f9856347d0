"""The consent ledger: append a person's choice, tell the apps that act on it."""

from __future__ import annotations

from django.db import transaction

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput
from portal.hooks import consent_changed_notify

from ..models import ConsentPurpose, ConsentRecord, ConsentSource
from ..selectors import consent_granted


@transaction.atomic
def consent_record(
    *,
    user: User,
    purpose: str,
    granted: bool,
    source: str = ConsentSource.API,
) -> ConsentRecord:
    """Append ``user``'s choice about ``purpose`` to the ledger and return it.

    Every choice is kept, a repeated one too (the ledger shows each time the person
    confirmed it). When the choice changes the person's state, the apps that act on
    it are told in this transaction (``portal.hooks.CONSENT_CHANGED``: a withdrawn
    talent-pipeline consent hides the career profile), and the change is audited.
    Errors: 400 for an unknown purpose."""
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(f"Unknown purpose {purpose!r}.", field="purpose")
    # The user's row is locked so that two racing choices are ordered, and the one
    # that changes the state is the one that notifies.
    User.objects.select_for_update().filter(pk=user.pk).first()
    before = consent_granted(user=user, purpose=purpose)
    record = ConsentRecord.objects.create(
        user=user, purpose=purpose, granted=granted, source=source
    )
    if before != granted:
        consent_changed_notify(user=user, purpose=purpose, granted=granted)
        audit_log_record(
            action="privacy.consent_granted"
            if granted
            else "privacy.consent_withdrawn",
            user=user,
            resource_type="consent",
            resource_id=record.pk,
            details={"purpose": purpose, "source": source},
        )
    return record
