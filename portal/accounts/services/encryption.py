"""MFA secrets encrypted at rest.

allauth keeps a TOTP secret (``data["secret"]``) and the seed of the recovery codes
(``data["seed"]``, or ``data["migrated_codes"]`` for codes imported from another
system) in the JSON column of ``Authenticator``, passing them through the MFA
adapter's ``encrypt``/``decrypt`` (``portal.accounts.adapter.PortalMFAAdapter``):
``fernet:`` tokens under ``FIELD_ENCRYPTION_KEYS``. This module brings rows written
before that (a data migration) and rows under an old key (``manage.py reencrypt``)
to the current key.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.crypto.services import (
    DEFAULT_BATCH_SIZE,
    Rotation,
    outcome_of,
    value_reencrypt,
)

SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


def authenticator_data_reencrypt(*, data: dict) -> tuple[dict, str]:
    """``data`` with every secret under the current key, and what happened
    (``rotated``, ``encrypted``, ``current``)."""
    data = dict(data)
    outcomes = set()

    def convert(value):
        new, what = value_reencrypt(value=value)
        outcomes.add(what)
        return value if new is None else new

    for key in SECRET_KEYS:
        if isinstance(data.get(key), str):
            data[key] = convert(data[key])
    for key in SECRET_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [convert(code) for code in data[key]]
    return data, outcome_of(outcomes=outcomes)


def mfa_secrets_reencrypt(
    *, batch_size: int = DEFAULT_BATCH_SIZE, model: Any = None
) -> dict[str, Rotation]:
    """Every authenticator's secrets under the current key, plain ones encrypted
    (``model``: a migration's historical ``Authenticator``)."""
    if model is None:
        from allauth.mfa.models import Authenticator as model
    counts = Rotation()
    rows = model._base_manager.order_by("pk")
    last_pk = None
    while True:
        with transaction.atomic():
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            found = list(batch.select_for_update()[:batch_size])
            for authenticator in found:
                data, what = authenticator_data_reencrypt(data=authenticator.data or {})
                if what != "current":
                    model._base_manager.filter(pk=authenticator.pk).update(data=data)
                counts.count(what)
        if len(found) < batch_size:
            return {"mfa.Authenticator (secrets)": counts}
        last_pk = found[-1].pk
