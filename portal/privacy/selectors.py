"""Reads of the consent ledger."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from portal.accounts.models import User

from .models import ConsentPurpose, ConsentRecord, ErasedAccount


def consent_list(*, user: User) -> QuerySet[ConsentRecord]:
    """Every choice ``user`` made, newest first."""
    return ConsentRecord.objects.filter(user=user).order_by("-at", "-pk")


def consent_current_list(*, user: User) -> QuerySet[ConsentRecord]:
    """The latest choice of ``user`` per purpose (a purpose never chosen is absent:
    not granted), in one query whatever the length of the ledger."""
    latest = (
        ConsentRecord.objects.filter(user=user, purpose=OuterRef("purpose"))
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    return (
        ConsentRecord.objects.filter(user=user)
        .filter(pk=Subquery(latest))
        .order_by("purpose")
    )


def consent_granted(*, user: User, purpose: str) -> bool:
    """Whether ``user``'s latest choice about ``purpose`` grants it."""
    latest = consent_list(user=user).filter(purpose=purpose).first()
    return bool(latest and latest.granted)


def consent_state(*, user: User) -> dict[str, bool | None]:
    """``{purpose: granted}`` for every purpose; ``None`` for one never chosen."""
    state: dict[str, bool | None] = dict.fromkeys(ConsentPurpose.values)
    for record in consent_current_list(user=user):
        state[record.purpose] = record.granted
    return state


def account_is_erased(*, user: User) -> bool:
    return ErasedAccount.objects.filter(user=user).exists()
