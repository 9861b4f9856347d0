"""Writes of encrypted data: encrypting values stored before their column was
encrypted (data migrations) and re-encrypting everything under the current key
(``manage.py reencrypt``).

Both read the stored text itself (``Cast`` to a plain text column, so the field
does not decrypt) and write tokens back the same way, row by row in batches of
``batch_size`` locked rows: a key that opens nothing fails loudly, a value already
under the current key is left alone, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models.functions import Cast

from portal import hooks

from .fields import EncryptedTextField, encrypt_text, is_encrypted_text, rotate_text

DEFAULT_BATCH_SIZE = 500


@dataclass
class Rotation:
    """What a re-encryption did to one kind of record: rows whose values it
    re-encrypted under the current key (``rotated``), rows that held plain values
    it encrypted (``encrypted``), rows already current (``current``)."""

    rotated: int = 0
    encrypted: int = 0
    current: int = 0

    def count(self, outcome: str) -> None:
        """One more row with ``outcome`` (``rotated``, ``encrypted``, ``current``)."""
        setattr(self, outcome, getattr(self, outcome) + 1)


def outcome_of(*, outcomes: set[str]) -> str:
    """What happened to a row from what happened to its values: a plain value
    encrypted says most, then one re-encrypted."""
    for outcome in ("encrypted", "rotated"):
        if outcome in outcomes:
            return outcome
    return "current"


def encrypted_columns(
    *, app_registry: Any = global_apps
) -> list[tuple[type, list[str]]]:
    """Every model (concrete, not a proxy) with encrypted columns, and their
    names, in a stable order."""
    found = []
    for model in app_registry.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        names = [
            field.name
            for field in meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def value_reencrypt(*, value: str | None) -> tuple[str | None, str]:
    """What to store instead of the stored ``value`` (``None``: leave it), and
    which ``Rotation`` count it adds to (``rotated``, ``encrypted`` for a plain
    value, ``current``)."""
    if value is None or value == "":
        return None, "current"
    if not is_encrypted_text(value):
        return encrypt_text(value), "encrypted"
    rotated = rotate_text(value)
    return rotated, ("current" if rotated is None else "rotated")


def columns_reencrypt(
    *, model: Any, fields: list[str], batch_size: int = DEFAULT_BATCH_SIZE
) -> Rotation:
    """Re-encrypt the columns ``fields`` of every row of ``model`` under the current
    key, encrypting plain values on the way. Works on migrations' historical models
    too (it never goes through the field's own conversion)."""
    raw = {f"_stored_{name}": Cast(name, models.TextField()) for name in fields}
    counts = Rotation()
    rows = model._base_manager.order_by("pk")
    last_pk = None
    while True:
        with transaction.atomic():
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            found = list(
                batch.select_for_update()
                .annotate(**raw)
                .values_list("pk", *raw)[:batch_size]
            )
            for pk, *values in found:
                changes, outcomes = {}, set()
                for name, value in zip(fields, values, strict=True):
                    new, what = value_reencrypt(value=value)
                    outcomes.add(what)
                    if new is not None:
                        changes[name] = models.Value(
                            new, output_field=models.TextField()
                        )
                if changes:
                    model._base_manager.filter(pk=pk).update(**changes)
                counts.count(outcome_of(outcomes=outcomes))
        if len(found) < batch_size:
            return counts
        last_pk = found[-1][0]


def encrypted_data_reencrypt(
    *, batch_size: int = DEFAULT_BATCH_SIZE
) -> dict[str, Rotation]:
    """Re-encrypt every encrypted value under the current key: each model's
    encrypted columns, then what apps keep encrypted elsewhere (MFA secrets in
    JSON, SkillBridge approval documents: ``portal.hooks.ENCRYPTED_DATA_REENCRYPT``).
    Returns the counts per kind of record (``app_label.Model`` or the answer's
    own label)."""
    report: dict[str, Rotation] = {}
    for model, fields in encrypted_columns():
        report[model._meta.label] = columns_reencrypt(
            model=model, fields=fields, batch_size=batch_size
        )
    report.update(hooks.encrypted_data_reencrypt_collect(batch_size=batch_size))
    return report
