"""Writing to the audit log and checking that its chains are intact.

What verification proves, and what it cannot. With the chain key (derived from
``SECRET_KEY``) out of an attacker's reach, ``audit_chain_verify`` proves that every
entry still present is as written, in its place, and that none is missing between a
chain's first entry and its head row. Alone it cannot prove that nothing was cut from
a chain's end: delete the last entries, move the head back, and a valid shorter chain
remains; wipe the table and there is nothing to check. Anchors (``.anchors``: signed
(chain, sequence, hash) records written outside the database, every few minutes and
on demand) close that hole up to the last anchor: ``verify_audit_chain --anchors``
reports a chain whose head is behind its last anchor or whose anchored entry is
missing or different. Still out of reach: entries written after the last anchor can
be cut without trace; whoever holds the chain key can rewrite a chain and its head
(then only an anchor under a separate ``AUDIT_ANCHOR_KEY``, or one already shipped
off the machine in the log stream, contradicts them); and the log proves nothing
about events the code never recorded, or recorded with false content.

How appends are ordered. Each entry's hash covers the previous entry's hash, so one
chain has exactly one writer at a time between "read the tip" and "write the next
entry", and that writer must keep the tip until its transaction ends: the entry is
written in the caller's transaction, rolls back with it, and is numbered at once
(callers and ``verify_audit_chain`` rely on a gapless sequence). A second writer that
read the tip earlier would fork the chain or, after a rollback, point at an entry that
never existed.

So that this does not make every writer in the portal wait for every other one, the
log is ``settings.AUDIT_CHAINS`` independent chains, each with its own head row, its
own gapless sequence and its own lock. Writers on different chains never wait for
each other; writers on one chain still wait for each other's commit.

Which chain. An entry goes to chain ``sha256(key) % AUDIT_CHAINS``, the key being the
first of: the acting user (all of one person's actions stay in order in one chain),
the resource acted on (unattributed events about one object, e.g. a task's, stay in
order), the client address (one anonymous client's failed logins stay in order),
the action (the rest: system events with no subject). Unrelated writers spread over
the chains. On PostgreSQL a transaction's later appends join the chain of its first
one, whatever their key: a transaction then holds at most one chain lock, so two
transactions never deadlock on audit locks (A holding chain 1 and waiting for 2, B
holding 2 and waiting for 1), and one transaction's entries read in order. The
choice is remembered in a transaction-local setting, which a savepoint rollback
undoes together with the lock. Each entry stores its chain id, so changing
``AUDIT_CHAINS`` later only changes where new entries go; verification walks every
chain present.

The lock: on PostgreSQL a transaction-scoped advisory lock keyed to the chain
(``pg_advisory_xact_lock(CHAIN_LOCK_NAMESPACE, chain)``) rather than
``SELECT … FOR UPDATE`` on the head row: writers queue on that in-memory lock rather
than on the head tuple, and no lock is taken through a row that may be missing on a
chain's first append. On SQLite (the embedded default) there are no advisory locks
and none are needed: ``transaction_mode=IMMEDIATE`` makes every writing transaction
take the database's write lock when it begins, so chains change nothing there.

Rejected: appending rows without any lock and numbering them in a later chaining step
(at commit or in a worker). It would free writers completely, but an entry would have
no sequence or hash until chained, which changes the contract above
(``audit_log_record`` returns a numbered entry; the head and the entry roll back
together). Writers on one chain still wait for each other's commit, so record audit
entries late in long transactions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from portal.errors import InvalidInput
from portal.proxies import client_ip, ip_or_none
from portal.redaction import as_text, contains_any, needles_of, redact_json, redact_text

from ..models import (
    REDACTABLE_FIELDS,
    AuditChainHead,
    AuditLog,
    chain_genesis_hash,
)
from .anchors import Anchor, anchor_problems

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
    entry and the chain head roll back with it. Appending holds the lock of the
    entry's chain until that transaction ends (see the module docstring), so every
    other append to that chain waits: record audit entries late in long
    transactions.
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

    ip_address = ip_or_none(ip_address)
    key = _chain_key(
        actor_id=user.pk if user is not None else None,
        resource_type=resource_type,
        resource_id=resource_id,
        ip_address=ip_address,
        action=action,
    )

    with transaction.atomic():
        head = _lock_chain(_chain_for_key(key))
        entry = AuditLog(
            user=user,
            actor_id=user.pk if user is not None else None,
            actor_email=_strip_nul(actor_email),
            action=_strip_nul(action),
            resource_type=_strip_nul(resource_type),
            resource_id=_strip_nul(resource_id),
            ip_address=ip_address,
            user_agent=_strip_nul((user_agent or "")[:USER_AGENT_MAX_LENGTH]),
            details=details,
            # Taken under the lock so timestamps follow the chain's sequence order.
            created_at=timezone.now(),
            chain=head.pk,
            sequence=head.last_sequence + 1,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_sequence=entry.sequence, last_hash=entry.hash
        )
    return entry


def audit_entries_redact(*, user_id: int, needles: Sequence[str]) -> int:
    """Pseudonymize the audit log for a person whose data is erased (GDPR Art. 17)
    without deleting an entry or breaking a chain; how many entries changed.

    The entries are those the person made (``actor_id``), those about their account
    (``resource_type="user"``) and any other naming them (an e-mail or name among
    ``needles`` in ``actor_email`` or ``details``, e.g. a failed login with their
    address). In each, every needle in ``details`` becomes ``[erased]``
    (``portal.redaction``); where the person acted, or the entry was about their
    address without an actor, the actor's e-mail, IP address and User-Agent are
    blanked too (an administrator's own address on an entry about the person
    stays). What remains: the action, the resource, the time, the actor's id.

    ``hash`` and ``prev_hash`` stay, so every link still verifies; ``hash`` covered
    the values now gone, so the entry's content is checked against a new seal
    instead (``AuditLog.redaction_payload``), keyed like the chain: an entry edited
    after its redaction, or "redacted" by anyone without the key, is reported as
    altered by ``audit_chain_verify``.
    """
    needles = needles_of(*needles)
    about_user = Q(resource_type="user", resource_id=str(user_id))
    naming = Q(actor_email__in=[n.lower() for n in needles]) | contains_any(
        "details", needles, json_field=True
    )
    entries = (
        AuditLog.objects.annotate(**as_text("details"))
        .filter(Q(actor_id=user_id) | about_user | naming)
        .order_by("chain", "sequence")
    )
    now = timezone.now()
    changed = 0
    for entry in entries.iterator(chunk_size=500):
        details = redact_json(entry.details, needles)
        named = details != entry.details
        if not (named or entry.actor_id == user_id or _about(entry, user_id)):
            continue  # the needle was only part of another word
        subject_acted = entry.actor_id == user_id or entry.actor_id is None
        entry.details = details
        if subject_acted:
            entry.actor_email = ""
            entry.ip_address = None
            entry.user_agent = ""
        else:
            entry.actor_email = redact_text(entry.actor_email, needles)
        entry.redacted_at = now
        entry.redaction_mac = entry.compute_redaction_mac()
        AuditLog.objects.filter(pk=entry.pk).redaction_update(
            **{name: getattr(entry, name) for name in REDACTABLE_FIELDS},
            redacted_at=entry.redacted_at,
            redaction_mac=entry.redaction_mac,
        )
        changed += 1
    return changed


def _about(entry: AuditLog, user_id: int) -> bool:
    return entry.resource_type == "user" and entry.resource_id == str(user_id)


def request_metadata(*, request: HttpRequest) -> dict[str, str | None]:
    """The client's IP address (``portal.proxies.client_ip``: X-Forwarded-For only
    from a trusted proxy) and User-Agent of a Django or DRF request, ready to pass to
    ``audit_log_record(**request_metadata(request=request), ...)``."""
    return {
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
    }


def audit_chain_verify(*, anchors: dict[int, Anchor] | None = None) -> list[str]:
    """Walk every chain in sequence order and describe every break in it.

    Each problem names its chain ("Chain 3: …"). Reports sequence gaps (deleted
    entries), entries whose ``prev_hash`` does not point at the entry before (or, for
    the first, at the chain's genesis: reordered or moved entries), entries whose hash
    does not match their content (edited entries), entries whose user was swapped,
    and a chain head that does not match its entries. Every chain that has entries or
    a head is walked, whatever ``AUDIT_CHAINS`` says today. An empty list means every
    chain is intact. Hashes made with a key in ``SECRET_KEY_FALLBACKS`` are accepted,
    so rotating the key keeps old entries verifiable.

    ``anchors`` (each chain's last anchor, from ``audit_anchors_load``) adds what the
    entries alone cannot show: a chain whose head is behind its last anchor, or whose
    anchored entry is missing or different, including a chain with no rows left.
    """
    anchors = anchors or {}
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # The heads are read first: entries appended while we walk only add rows after
    # them, and the entry each points at must still be there with the same hash.
    heads = {head.pk: head for head in AuditChainHead.objects.all()}
    problems: list[str] = []
    walked: set[int] = set()
    entries = AuditLog.objects.order_by("chain", "sequence").iterator(chunk_size=2000)
    for chain, chain_entries in groupby(entries, key=attrgetter("chain")):
        walked.add(chain)
        problems += [
            f"Chain {chain}: {problem}"
            for problem in _verify_chain(
                chain, heads.get(chain), chain_entries, secrets, anchors.get(chain)
            )
        ]
    for chain in sorted((heads.keys() | anchors.keys()) - walked):
        problems += [
            f"Chain {chain}: {problem}"
            for problem in _verify_chain(
                chain, heads.get(chain), iter(()), secrets, anchors.get(chain)
            )
        ]
    return problems


# The first key of every audit chain's advisory lock (the second is the chain id): any
# fixed 32-bit number that no other two-key advisory lock in this database uses.
CHAIN_LOCK_NAMESPACE = 0x61756474  # "audt"

# Joins the chain this transaction already appended to, if any, else takes the one
# asked for; locks it and remembers it until the transaction (or savepoint) ends.
_PIN_AND_LOCK_CHAIN_SQL = """
SELECT pick.chain,
       pg_advisory_xact_lock(%(namespace)s, pick.chain),
       set_config('portal.audit_chain', pick.chain::text, true)
FROM (
    SELECT COALESCE(
        NULLIF(current_setting('portal.audit_chain', true), '')::integer,
        %(chain)s::integer
    ) AS chain
) AS pick
"""


def _chain_key(
    *,
    actor_id: int | None,
    resource_type: str,
    resource_id: str,
    ip_address: str | None,
    action: str,
) -> str:
    # Why this order: see "Which chain" in the module docstring.
    if actor_id is not None:
        return f"actor:{actor_id}"
    if resource_type or resource_id:
        return f"resource:{resource_type}:{resource_id}"
    if ip_address:
        return f"ip:{ip_address}"
    return f"action:{action}"


def _chain_for_key(key: str) -> int:
    """The chain an entry with this key goes to: stable across processes and
    restarts (unlike ``hash()``), spread evenly over ``AUDIT_CHAINS``."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % settings.AUDIT_CHAINS


def _lock_chain(chain: int) -> AuditChainHead:
    """Take a chain's lock for the rest of the transaction and return its head: the
    chain asked for, or on PostgreSQL the one this transaction already holds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _PIN_AND_LOCK_CHAIN_SQL,
                {"namespace": CHAIN_LOCK_NAMESPACE, "chain": chain},
            )
            chain = cursor.fetchone()[0]
    # Read after the lock: under READ COMMITTED this sees the previous holder's
    # committed head.
    head = AuditChainHead.objects.filter(pk=chain).first()
    if head is not None:
        return head
    # The chain's first append (or its head row was lost): start the head at the
    # chain's tail. The lock makes this the chain's only appender, so the insert
    # cannot race.
    tail = (
        AuditLog.objects.filter(chain=chain)
        .order_by("-sequence")
        .only("sequence", "hash")
        .first()
    )
    return AuditChainHead.objects.create(
        pk=chain,
        last_sequence=tail.sequence if tail else 0,
        last_hash=tail.hash if tail else chain_genesis_hash(chain),
    )


def _verify_chain(
    chain: int,
    head: AuditChainHead | None,
    entries: Iterator[AuditLog],
    secrets: list[str],
    anchor: Anchor | None,
) -> list[str]:
    """The breaks in one chain, given its entries in sequence order and its last
    anchor."""
    problems: list[str] = []
    genesis = chain_genesis_hash(chain)
    expected_sequence = 1
    prev_hash = genesis
    hash_at_head: str | None = None
    hash_at_anchor: str | None = None
    count = 0
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
        if not any(entry.content_verifies(secret) for secret in secrets):
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
        if anchor is not None and sequence == anchor.sequence:
            hash_at_anchor = entry.hash
        expected_sequence = sequence + 1
        prev_hash = entry.hash

    if head is None:
        if count:
            problems.append("Head mismatch: the chain head row is missing.")
    elif head.last_sequence == 0:
        if head.last_hash != genesis:
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
    if anchor is not None:
        problems += anchor_problems(
            anchor=anchor, head=head, hash_at_anchor=hash_at_anchor
        )
    return problems


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
