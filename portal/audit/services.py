"""Writing to the audit log and checking that its chain is intact."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portal.errors import InvalidInput

from .models import GENESIS_HASH, AuditChainHead, AuditLog

USER_AGENT_MAX_LENGTH = 512
# PostgreSQL text and jsonb cannot hold NUL; a client-supplied value containing one
# (a login email, a User-Agent) must not turn an audit write into a database error.
NUL_REPLACEMENT = "\ufffd"


def audit_log_record(
    *,
    action: str,
    user: AbstractBaseUser | AnonymousUser | None = None,
    resource_type: str = "",
    resource_id: Any = None,
    ip_address: str | None = None,
    user_agent: str = "",
    details: dict | None = None,
) -> AuditLog:
    """Append one entry to the audit log and return it.

    ``action`` is a dotted name such as ``"auth.login_failed"``; ``user`` is the actor
    (``None`` or an anonymous user for system or unauthenticated events), whose email
    is copied so the entry keeps it after the account changes. ``resource_id`` may be
    an int or a UUID and is stored as a string. An invalid ``ip_address`` is dropped
    and ``user_agent`` is cut to 512 characters. ``details`` must be a JSON-serializable
    dict (``DjangoJSONEncoder`` types such as dates, decimals and UUIDs are allowed).

    Raises ``InvalidInput`` for an empty or over-long action, resource type or id, or
    for details that cannot be serialized.

    The entry is written in the caller's transaction: if the caller rolls back, the
    entry and the chain head roll back with it. Appending locks the chain head row
    until that transaction ends, so every other append waits: record audit entries
    late in long transactions.
    """
    action = (action or "").strip()
    if not action:
        raise InvalidInput("An audit action is required.", field="action")
    resource_id = "" if resource_id is None else str(resource_id)
    _check_length("action", action, 100)
    _check_length("resource_type", resource_type, 50)
    _check_length("resource_id", resource_id, 64)
    details = _normalize_details(details)

    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    actor_email = ""
    if user is not None:
        actor_email = getattr(user, user.get_email_field_name(), "") or ""

    with transaction.atomic():
        head = _lock_chain_head()
        entry = AuditLog(
            user=user,
            actor_id=user.pk if user is not None else None,
            actor_email=_strip_nul(actor_email),
            action=_strip_nul(action),
            resource_type=_strip_nul(resource_type),
            resource_id=_strip_nul(resource_id),
            ip_address=_valid_ip(ip_address),
            user_agent=_strip_nul((user_agent or "")[:USER_AGENT_MAX_LENGTH]),
            details=details,
            # Taken under the lock so timestamps follow the sequence order.
            created_at=timezone.now(),
            sequence=head.last_sequence + 1,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_sequence=entry.sequence, last_hash=entry.hash
        )
    return entry


def request_metadata(*, request: HttpRequest) -> dict[str, str | None]:
    """The client's IP address and User-Agent of a Django or DRF request, ready to
    pass to ``audit_log_record(**request_metadata(request=request), ...)``.

    With ``AUDIT_TRUST_X_FORWARDED_FOR`` on (only behind a proxy that sets the
    header), the address is the last X-Forwarded-For entry: the one our proxy
    appended. Earlier entries come from the client and can be forged.
    """
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False) and forwarded:
        ip_address = _valid_ip(forwarded.split(",")[-1])
    else:
        ip_address = _valid_ip(meta.get("REMOTE_ADDR"))
    return {
        "ip_address": ip_address,
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
    }


def audit_chain_verify() -> list[str]:
    """Walk the whole log in sequence order and describe every break in the chain.

    Reports sequence gaps (deleted entries), entries whose ``prev_hash`` does not
    point at the entry before, entries whose hash does not match their content
    (edited entries), entries whose user was swapped, and a chain head that does not
    match the entries. An empty list means the chain is intact. Hashes made with a
    key in ``SECRET_KEY_FALLBACKS`` are accepted, so rotating the key keeps old
    entries verifiable.
    """
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    problems: list[str] = []
    # The head is read first: entries appended while we walk only add rows after it,
    # and the entry it points at must still be there with the same hash.
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    hash_at_head: str | None = None
    count = 0

    entries = AuditLog.objects.order_by("sequence").iterator(chunk_size=2000)
    for entry in entries:
        count += 1
        sequence = entry.sequence
        if sequence != expected_sequence:
            problems.append(
                f"Sequence gap before sequence {sequence}: expected {expected_sequence}"
                f" (entries {expected_sequence}-{sequence - 1} are missing)."
            )
        if entry.prev_hash != prev_hash:
            problems.append(
                f"prev_hash break at sequence {sequence}: it does not match the hash "
                "of the entry before it."
            )
        if not any(
            constant_time_compare(entry.hash, entry.compute_hash(secret))
            for secret in secrets
        ):
            problems.append(
                f"Hash mismatch at sequence {sequence}: the entry was altered."
            )
        if entry.user_id is not None and entry.user_id != entry.actor_id:
            problems.append(
                f"User mismatch at sequence {sequence}: user {entry.user_id} is not "
                f"the recorded actor {entry.actor_id}."
            )
        if head is not None and sequence == head.last_sequence:
            hash_at_head = entry.hash
        expected_sequence = sequence + 1
        prev_hash = entry.hash

    if head is None:
        if count:
            problems.append("Head mismatch: the chain head row is missing.")
    elif head.last_sequence == 0:
        if head.last_hash != GENESIS_HASH:
            problems.append("Head mismatch: an empty chain head has a hash.")
    elif hash_at_head is None:
        problems.append(
            f"Head mismatch: the head points at sequence {head.last_sequence}, which "
            "is missing (entries removed from the end?)."
        )
    elif hash_at_head != head.last_hash:
        problems.append(
            f"Head mismatch: the hash at sequence {head.last_sequence} differs from "
            "the one the head recorded."
        )
    return problems


def _lock_chain_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # First append ever (or the head row was lost): start the head at the chain's
    # tail. ON CONFLICT DO NOTHING lets two first appenders race; the loser waits
    # for the winner's insert, then both lock the same row.
    tail = AuditLog.objects.order_by("-sequence").only("sequence", "hash").first()
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                pk=1,
                last_sequence=tail.sequence if tail else 0,
                last_hash=tail.hash if tail else GENESIS_HASH,
            )
        ],
        ignore_conflicts=True,
    )
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _valid_ip(value: str | None) -> str | None:
    # An IPv6 zone ("fe80::1%eth0") says nothing about the client, and inet refuses it.
    address = (value or "").strip().split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _check_length(field: str, value: str, max_length: int) -> None:
    if len(value) > max_length:
        raise InvalidInput(
            f"{field} is longer than {max_length} characters.", field=field
        )


def _normalize_details(details: dict | None) -> dict:
    # A JSON round trip now means the hash covers exactly what the database stores
    # and reads back (dates become strings, tuples lists, keys strings).
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise InvalidInput("Audit details must be a dict.", field="details")
    try:
        encoded = json.dumps(details, cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"Audit details are not JSON-serializable: {exc}", field="details"
        ) from exc
    return _strip_nul(json.loads(encoded))


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_REPLACEMENT)
    if isinstance(value, dict):
        return {_strip_nul(key): _strip_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_nul(item) for item in value]
    return value
