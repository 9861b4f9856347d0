"""The audit log: an append-only, hash-chained record of security-relevant events."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac

# prev_hash of chain 0's first entry: there is nothing before it to point at. Chain 0
# is the log as it was before it was split into chains, so its genesis stays this.
GENESIS_HASH = "0" * 64
# Fixed salt so the chain key is derived from, but never equal to, SECRET_KEY.
CHAIN_KEY_SALT = "portal.audit.chain"
# Salt of a redacted entry's seal (see ``AuditLog.redaction_payload``).
REDACTION_KEY_SALT = "portal.audit.redaction"
# The fields a redaction may blank: who acted and from where, and the details.
REDACTABLE_FIELDS = ("actor_email", "ip_address", "user_agent", "details")


class AuditLogImmutableError(Exception):
    """An attempt to change or remove an audit entry through the ORM."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutableError("Audit log entries cannot be updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutableError("Audit log entries cannot be updated.")

    def delete(self):
        raise AuditLogImmutableError("Audit log entries cannot be deleted.")

    delete.queryset_only = True

    def redaction_update(self, **fields):
        """The one rewrite the log allows: blanking personal values of entries
        (``REDACTABLE_FIELDS``) together with the seal of the redaction. Only
        ``portal.audit.services.audit_entries_redact`` calls it."""
        allowed = {*REDACTABLE_FIELDS, "redacted_at", "redaction_mac"}
        if not set(fields) <= allowed or "redaction_mac" not in fields:
            raise AuditLogImmutableError("Only a sealed redaction may change entries.")
        return super().update(**fields)


class AuditLog(models.Model):
    """One thing that happened, who did it, to what, and from where.

    The log is several independent chains (``settings.AUDIT_CHAINS``); ``chain`` says
    which one an entry belongs to. Within a chain ``sequence`` counts 1, 2, 3 …
    without gaps and each entry's ``hash`` is an HMAC (keyed from ``SECRET_KEY``) over
    its own content and the previous entry's hash, starting from the chain's genesis
    hash. The ORM refuses updates and deletes; an edit made behind its back (raw SQL,
    a database console) breaks the chain, which ``audit_chain_verify`` /
    ``manage.py verify_audit_chain`` report.

    Write entries only through ``portal.audit.services.audit_log_record``, which
    chooses the chain and assigns the sequence and hash under the chain's lock.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Frozen copies of who acted: the user row may later change its email or be
    # deleted (``user`` then becomes NULL), but the entry must still say who it was
    # and its hash must still verify. The chain hashes ``actor_id``, not ``user_id``.
    actor_id = models.BigIntegerField(null=True, blank=True, editable=False)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    resource_type = models.CharField(max_length=50, blank=True)
    # A string so it can hold integer ids and UUIDs alike.
    resource_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(db_index=True)
    # Not hashed: the chain's genesis hash, which the first entry's prev_hash covers,
    # already ties every entry to its chain.
    chain = models.PositiveSmallIntegerField()
    sequence = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Set when personal values were blanked after the fact (a person's erasure):
    # ``hash`` still links the chain, but covers values no longer there, so the
    # entry's remaining content is checked against ``redaction_mac`` instead.
    redacted_at = models.DateTimeField(null=True, blank=True, editable=False)
    redaction_mac = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "sequence"], name="audit_auditlog_chain_sequence"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "created_at"], name="audit_auditlog_user_created"
            ),
            models.Index(
                fields=["resource_type", "resource_id"],
                name="audit_auditlog_resource",
            ),
        ]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return (
            f"{self.chain}#{self.sequence} {self.action} by {self.actor_email or '-'}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update"):
            raise AuditLogImmutableError("Audit log entries cannot be updated.")
        # A new entry must always be an INSERT, never an UPDATE of a row that
        # happens to share its primary key.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutableError("Audit log entries cannot be deleted.")

    def chain_payload(self) -> dict[str, Any]:
        """The fields the hash covers, in a form that reads the same before saving
        and after a round trip through the database."""
        return {
            "sequence": self.sequence,
            "prev_hash": self.prev_hash,
            "user_id": self.actor_id,
            "actor_email": self.actor_email,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "ip_address": _canonical_ip(self.ip_address),
            "user_agent": self.user_agent,
            "details": _canonical_json_value(self.details),
            "created_at": self.created_at.astimezone(datetime.UTC).isoformat(),
        }

    def compute_hash(self, secret: str | None = None) -> str:
        """HMAC-SHA256 of the canonical payload; ``secret`` defaults to SECRET_KEY."""
        return _mac(CHAIN_KEY_SALT, self.chain_payload(), secret)

    def redaction_payload(self) -> dict[str, Any]:
        """What the seal of a redacted entry covers: everything the chain hash
        covered, as it reads after the redaction, plus the original ``hash`` (which
        ties the seal to this place in the chain) and the redaction's time."""
        return {
            **self.chain_payload(),
            "hash": self.hash,
            "redacted_at": self.redacted_at.astimezone(datetime.UTC).isoformat(),
        }

    def compute_redaction_mac(self, secret: str | None = None) -> str:
        """HMAC-SHA256 of ``redaction_payload`` under a key of its own, derived like
        the chain's from SECRET_KEY: only the key holder can redact an entry, and a
        redacted entry edited afterwards no longer matches."""
        return _mac(REDACTION_KEY_SALT, self.redaction_payload(), secret)

    def content_verifies(self, secret: str) -> bool:
        """Whether the entry's content is as written (or as redacted) under
        ``secret``."""
        if self.redacted_at is None:
            return constant_time_compare(self.hash, self.compute_hash(secret))
        return constant_time_compare(
            self.redaction_mac, self.compute_redaction_mac(secret)
        )


def _mac(salt: str, payload: dict[str, Any], secret: str | None) -> str:
    message = json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        cls=DjangoJSONEncoder,
    )
    return salted_hmac(salt, message, secret=secret, algorithm="sha256").hexdigest()


class AuditChainHead(models.Model):
    """The tip of one audit chain (``id`` is the chain id), read and moved by the one
    appender that holds that chain's lock (see ``portal.audit.services``).

    Holding that lock is what makes "read the last hash, write the next entry"
    atomic across concurrent transactions, so the chain never forks.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    last_sequence = models.PositiveBigIntegerField()
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Audit chain {self.id} head at #{self.last_sequence}"


def chain_genesis_hash(chain: int) -> str:
    """The prev_hash of a chain's first entry.

    Different for every chain, so an entry moved to another chain (or a whole chain
    relabelled) breaks a link, and two chains can never produce the same hash.
    """
    if chain == 0:
        return GENESIS_HASH
    return hashlib.sha256(f"{CHAIN_KEY_SALT}.genesis.{chain}".encode()).hexdigest()


def _canonical_ip(value: str | None) -> str | None:
    # PostgreSQL's inet and Python may spell the same IPv6 address differently.
    if not value:
        return None
    return str(ipaddress.ip_address(value))


def _canonical_json_value(value: Any) -> Any:
    # jsonb stores numbers as numeric and gives 1e+20 back as 100000000000000000000,
    # so integral floats are hashed as integers to read the same on both sides.
    if isinstance(value, dict):
        return {key: _canonical_json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_json_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
