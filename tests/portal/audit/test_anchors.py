"""Tail truncation, from the attacker's side: whoever can write the database deletes a
chain's last entries and rewinds its head (or wipes the log). The chain alone still
verifies; its anchors, kept outside the database, do not."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal.audit.services import audit_chain_verify, audit_log_record
from portal.audit.services.anchors import audit_anchor_write, audit_anchors_load
from portal.audit.tasks import anchor_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_file(tmp_path, settings):
    path = tmp_path / "anchors.jsonl"
    settings.AUDIT_ANCHOR_FILE = str(path)
    return path


@pytest.fixture
def chain():
    return [
        audit_log_record(action="auth.login_succeeded", details={"n": n})
        for n in range(1, 6)
    ]


def raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def truncate_tail_and_rewind(chain_id, *, keep):
    """Delete the chain's entries after ``keep`` and point the head at the last one
    left, as an attacker with database access would."""
    raw_sql(
        "DELETE FROM audit_auditlog WHERE chain = %s AND sequence > %s",
        [chain_id, keep],
    )
    raw_sql(
        "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = "
        "(SELECT hash FROM audit_auditlog WHERE chain = %s AND sequence = %s) "
        "WHERE id = %s",
        [keep, chain_id, keep, chain_id],
    )


def verify(path):
    anchors, problems = audit_anchors_load(path=str(path))
    return problems + audit_chain_verify(anchors=anchors)


class TestTailTruncation:
    def test_untouched_chain_matches_its_anchor(self, chain, anchor_file):
        audit_anchor_write()
        audit_log_record(action="auth.logout")  # appended after the anchor
        assert verify(anchor_file) == []

    def test_truncated_and_rewound_chain_verifies_without_anchors(self, chain):
        # The hole this closes: the chain alone cannot tell.
        truncate_tail_and_rewind(chain[0].chain, keep=3)
        assert audit_chain_verify() == []

    def test_truncated_tail_with_rewound_head_is_reported_for_its_chain(
        self, chain, anchor_file
    ):
        audit_anchor_write()
        truncate_tail_and_rewind(chain[0].chain, keep=3)
        problems = verify(anchor_file)
        prefix = f"Chain {chain[0].chain}: "
        assert problems == [
            f"{prefix}Head behind its last anchor: anchor #1 recorded sequence 5, the "
            "head is at 3 (entries removed from the end and the head rewound?).",
            f"{prefix}Anchored entry missing: sequence 5 (anchor #1) is not in the "
            "chain.",
        ]

    def test_wiped_log_is_reported(self, chain, anchor_file):
        audit_anchor_write()
        raw_sql("DELETE FROM audit_auditlog")
        raw_sql("DELETE FROM audit_auditchainhead")
        problems = verify(anchor_file)
        assert problems[0].startswith(
            f"Chain {chain[0].chain}: Head behind its last anchor"
        )

    def test_rewritten_chain_differs_from_its_anchor(self, chain, anchor_file):
        audit_anchor_write()
        # Truncate, then write new entries up to the anchored length again.
        truncate_tail_and_rewind(chain[0].chain, keep=3)
        audit_log_record(action="auth.login_succeeded", details={"n": 4})
        audit_log_record(action="auth.login_succeeded", details={"n": 5})
        assert verify(anchor_file) == [
            f"Chain {chain[0].chain}: Anchored entry differs: the hash at sequence 5 "
            "is not the one anchor #1 recorded (chain rewritten?)."
        ]

    def test_the_latest_anchor_counts(self, chain, anchor_file):
        audit_anchor_write()
        # Same key as the fixture's entries, so the same chain on every database.
        audit_log_record(action="auth.login_succeeded", details={"n": 6})
        audit_anchor_write()
        truncate_tail_and_rewind(chain[0].chain, keep=5)
        problems = verify(anchor_file)
        assert problems[0] == (
            f"Chain {chain[0].chain}: Head behind its last anchor: anchor #2 recorded "
            "sequence 6, the head is at 5 (entries removed from the end and the "
            "head rewound?)."
        )


class TestAnchorFile:
    def test_counter_grows_by_one_per_anchor(self, anchor_file):
        for action in ("a.one", "b.two", "c.three"):
            audit_log_record(action=action)
        first = audit_anchor_write()
        second = audit_anchor_write()
        counters = [a.counter for a in first + second]
        assert counters == list(range(1, len(counters) + 1))
        assert len(anchor_file.read_text().splitlines()) == len(counters)

    def test_forged_anchor_is_refused(self, chain, anchor_file):
        audit_anchor_write()
        record = json.loads(anchor_file.read_text())
        record["sequence"] = 3  # an attacker makes the anchor agree with the cut
        anchor_file.write_text(json.dumps(record) + "\n")
        truncate_tail_and_rewind(chain[0].chain, keep=3)
        assert verify(anchor_file) == [
            "Anchors: line 1 has a bad signature (forged or edited)."
        ]

    def test_removed_anchor_leaves_a_counter_gap(self, chain, anchor_file):
        for _ in range(3):
            audit_anchor_write()
        lines = anchor_file.read_text().splitlines()
        anchor_file.write_text(f"{lines[0]}\n{lines[2]}\n")
        assert verify(anchor_file) == [
            "Anchors: line 2 has counter 3 after 1 (anchors removed or reordered)."
        ]

    def test_anchor_key_other_than_secret_key(self, chain, anchor_file, settings):
        settings.AUDIT_ANCHOR_KEY = "anchor-key"
        audit_anchor_write()
        settings.AUDIT_ANCHOR_KEY = "another-key"
        assert verify(anchor_file) == [
            "Anchors: line 1 has a bad signature (forged or edited)."
        ]

    def test_anchors_are_read_back_from_the_log_stream(
        self, chain, anchor_file, tmp_path, caplog
    ):
        with caplog.at_level(logging.INFO, logger="portal.audit"):
            audit_anchor_write()
        stream = tmp_path / "log.jsonl"
        stream.write_text(
            '{"message": "request", "path": "/"}\n'
            + "".join(
                json.dumps({"message": r.getMessage(), "anchor": r.anchor}) + "\n"
                for r in caplog.records
                if r.getMessage() == "audit.anchor"
            )
        )
        truncate_tail_and_rewind(chain[0].chain, keep=2)
        assert verify(stream)[0].startswith(
            f"Chain {chain[0].chain}: Head behind its last anchor: anchor #1"
        )

    def test_the_beat_task_writes_anchors(self, chain, anchor_file, settings):
        assert anchor_write.delay().get() == 1
        assert "audit.anchor_write" in {
            entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
        }


class TestCommands:
    def test_verify_reads_the_anchor_file_and_fails_on_truncation(
        self, chain, anchor_file
    ):
        out = StringIO()
        call_command("anchor_audit_chain", stdout=out)
        assert "1 anchor(s) written" in out.getvalue()
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        assert "1 chain(s) match their last anchor" in out.getvalue()
        truncate_tail_and_rewind(chain[0].chain, keep=4)
        err = StringIO()
        with pytest.raises(CommandError, match="Audit chain broken: 2 problem"):
            call_command("verify_audit_chain", stderr=err)
        assert f"Chain {chain[0].chain}: Head behind its last anchor" in err.getvalue()

    def test_explicit_anchor_file_that_is_missing_fails(self, chain, tmp_path):
        with pytest.raises(CommandError):
            call_command(
                "verify_audit_chain",
                anchors=str(tmp_path / "none.jsonl"),
                stderr=StringIO(),
            )

    def test_without_anchors_the_command_warns(self, chain, anchor_file):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        assert "No anchors" in out.getvalue()
