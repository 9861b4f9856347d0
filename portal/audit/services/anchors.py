"""Anchors: signed copies of each audit chain's head kept outside the database, so
that entries cut from the end of a chain (and the head rewound to match) are detected.

The chain alone cannot see that: after deleting a chain's last entries and moving its
head row back, what is left is a valid, shorter chain. An anchor records (chain,
sequence, hash) of a head at some moment, with a counter that grows by one per anchor
ever written and an HMAC keyed from ``AUDIT_ANCHOR_KEY`` (else derived from
``SECRET_KEY``) over all of it. ``audit_anchor_write`` appends one per non-empty chain
to ``AUDIT_ANCHOR_FILE`` and writes the same record to the log stream as a JSON line
``audit.anchor`` (Celery beat does it every ``AUDIT_ANCHOR_INTERVAL_MINUTES``;
``manage.py anchor_audit_chain`` on demand). ``audit_anchors_load`` reads either
source back (an anchor file, or a saved log stream: other lines are skipped) and
``audit_chain_verify(anchors=…)`` then reports a chain whose head is behind its last
anchor, whose anchored entry is missing, or whose entry there has another hash.

The counter makes removed anchors visible: a gap between two counters is reported.
What an attacker can still do is cut anchors from the end of the file together with
the entries; that is why the same anchors go to the log stream, which is shipped off
the machine, and why the key should be one the database's host does not hold.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import AuditChainHead

ANCHOR_KEY_SALT = "portal.audit.anchor"
ANCHOR_LOG_MESSAGE = "audit.anchor"
# Enough of the file's end to hold its last line.
_TAIL_BYTES = 4096

logger = logging.getLogger("portal.audit")


@dataclass(frozen=True)
class Anchor:
    """One chain's head at one moment; ``counter`` numbers every anchor written."""

    counter: int
    chain: int
    sequence: int
    hash: str
    created_at: str

    def signature(self, secret: str) -> str:
        message = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return salted_hmac(
            ANCHOR_KEY_SALT, message, secret=secret, algorithm="sha256"
        ).hexdigest()


def audit_anchor_write(*, path: str | None = None) -> list[Anchor]:
    """Anchor every chain that has entries: append one signed line each to the anchor
    file (``AUDIT_ANCHOR_FILE`` unless ``path``) and log each as ``audit.anchor``.

    Returns the anchors written. An exclusive lock on the file keeps the counter
    gapless when two writers (beat and the command) run at once.
    """
    anchor_path = Path(path or settings.AUDIT_ANCHOR_FILE)
    anchor_path.parent.mkdir(parents=True, exist_ok=True)
    secret = _anchor_secrets()[0]
    heads = AuditChainHead.objects.filter(last_sequence__gt=0).order_by("pk")
    with anchor_path.open("a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        counter = _last_counter(file)
        created_at = timezone.now().isoformat()
        anchors = []
        for head in heads:
            counter += 1
            anchors.append(
                Anchor(
                    counter=counter,
                    chain=head.pk,
                    sequence=head.last_sequence,
                    hash=head.last_hash,
                    created_at=created_at,
                )
            )
        records = [{**asdict(a), "mac": a.signature(secret)} for a in anchors]
        file.write(
            b"".join(
                json.dumps(record, sort_keys=True).encode() + b"\n"
                for record in records
            )
        )
        file.flush()
        os.fsync(file.fileno())
    for record in records:
        logger.info(ANCHOR_LOG_MESSAGE, extra={"anchor": record})
    return anchors


def audit_anchors_load(*, path: str) -> tuple[dict[int, Anchor], list[str]]:
    """The latest validly signed anchor of each chain in an anchor file or a saved
    JSON log stream, and the problems found reading it: unsigned or forged lines,
    and gaps in the counter (anchors removed). A missing file is a problem too: the
    caller asked for anchors that are not there."""
    anchor_path = Path(path)
    if not anchor_path.exists():
        return {}, [f"Anchors: {path} does not exist."]
    secrets = _anchor_secrets()
    latest: dict[int, Anchor] = {}
    problems: list[str] = []
    previous_counter: int | None = None
    with anchor_path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            record = _anchor_record(line)
            if record is None:
                continue
            try:
                mac = record.pop("mac")
                anchor = Anchor(**record)
            except (KeyError, TypeError):
                problems.append(f"Anchors: line {number} is not a valid anchor.")
                continue
            if not any(
                constant_time_compare(mac, anchor.signature(secret))
                for secret in secrets
            ):
                problems.append(
                    f"Anchors: line {number} has a bad signature (forged or edited)."
                )
                continue
            if previous_counter is not None and anchor.counter != previous_counter + 1:
                problems.append(
                    f"Anchors: line {number} has counter {anchor.counter} after "
                    f"{previous_counter} (anchors removed or reordered)."
                )
            previous_counter = anchor.counter
            known = latest.get(anchor.chain)
            if known is None or anchor.counter > known.counter:
                latest[anchor.chain] = anchor
    return latest, problems


def anchor_problems(
    *, anchor: Anchor, head: AuditChainHead | None, hash_at_anchor: str | None
) -> list[str]:
    """What a chain's last anchor says is wrong with it, given the chain's head and
    the hash of its entry at the anchored sequence (``None``: no such entry)."""
    problems = []
    head_sequence = head.last_sequence if head is not None else 0
    if head_sequence < anchor.sequence:
        problems.append(
            f"Head behind its last anchor: anchor #{anchor.counter} recorded sequence "
            f"{anchor.sequence}, the head is at {head_sequence} (entries removed from "
            "the end and the head rewound?)."
        )
    if hash_at_anchor is None:
        problems.append(
            f"Anchored entry missing: sequence {anchor.sequence} (anchor "
            f"#{anchor.counter}) is not in the chain."
        )
    elif not constant_time_compare(hash_at_anchor, anchor.hash):
        problems.append(
            f"Anchored entry differs: the hash at sequence {anchor.sequence} is not "
            f"the one anchor #{anchor.counter} recorded (chain rewritten?)."
        )
    return problems


def _anchor_secrets() -> list[str]:
    if settings.AUDIT_ANCHOR_KEY:
        return [settings.AUDIT_ANCHOR_KEY]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _anchor_record(line: str) -> dict | None:
    """An anchor line's record, or the anchor a JSON log line carries; ``None`` for
    blank lines and other log lines."""
    line = line.strip()
    if not line:
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    if record.get("message") == ANCHOR_LOG_MESSAGE:
        record = record.get("anchor")
        return dict(record) if isinstance(record, dict) else None
    return record if "mac" in record else None


def _last_counter(file) -> int:
    """The counter of the file's last anchor (0 for an empty file)."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - _TAIL_BYTES))
    lines = [line for line in file.read().splitlines() if line.strip()]
    if not lines:
        return 0
    return int(json.loads(lines[-1])["counter"])
