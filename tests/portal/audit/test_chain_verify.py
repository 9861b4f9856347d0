"""Detecting tampering: raw SQL edits and deletions break the chain, and the
verify_audit_chain command says so with a non-zero exit status."""

import json
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection

from portal.audit.services import audit_chain_verify, audit_log_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [
        audit_log_record(action="auth.login_succeeded", details={"n": n})
        for n in range(1, 6)
    ]


def raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class TestAuditChainVerify:
    def test_empty_chain_is_intact(self):
        assert audit_chain_verify() == []

    def test_intact_chain(self, chain):
        assert audit_chain_verify() == []

    def test_edited_row_is_reported_at_its_sequence(self, chain):
        raw_sql(
            "UPDATE audit_auditlog SET details = %s WHERE sequence = %s",
            [json.dumps({"n": 99}), 3],
        )
        problems = audit_chain_verify()
        assert problems == [
            f"Chain {chain[0].chain}: Hash mismatch at sequence 3: the entry was "
            "altered."
        ]

    def test_edited_row_with_recomputed_sha256_is_still_caught(self, chain):
        # Without the secret key an attacker can only fall back to a plain hash.
        raw_sql(
            "UPDATE audit_auditlog SET action = %s, hash = %s WHERE sequence = %s",
            ["auth.logout", "f" * 64, 2],
        )
        problems = audit_chain_verify()
        prefix = f"Chain {chain[0].chain}: "
        assert (
            f"{prefix}Hash mismatch at sequence 2: the entry was altered." in problems
        )
        assert any(
            p.startswith(f"{prefix}prev_hash break at sequence 3") for p in problems
        )

    def test_deleted_row_is_reported_as_a_gap(self, chain):
        raw_sql("DELETE FROM audit_auditlog WHERE sequence = %s", [2])
        problems = audit_chain_verify()
        prefix = f"Chain {chain[0].chain}: "
        assert problems[0].startswith(
            f"{prefix}Sequence gap before sequence 3: expected 2"
        )
        assert any(
            p.startswith(f"{prefix}prev_hash break at sequence 3") for p in problems
        )

    def test_removed_tail_is_reported_by_the_head(self, chain):
        raw_sql("DELETE FROM audit_auditlog WHERE sequence >= %s", [4])
        assert audit_chain_verify() == [
            f"Chain {chain[0].chain}: Head mismatch: the head points at sequence 5, "
            "which is missing "
            "(entries removed from the end?)."
        ]

    def test_swapped_user_is_reported(self, chain):
        from portal.accounts.models import User

        other = User.objects.create_user("b@example.org", "pw")
        raw_sql(
            "UPDATE audit_auditlog SET user_id = %s WHERE sequence = %s",
            [other.pk, 4],
        )
        assert audit_chain_verify() == [
            f"Chain {chain[0].chain}: User mismatch at sequence 4: user {other.pk} is "
            "not the recorded actor None."
        ]

    def test_old_secret_keys_still_verify(self, settings, chain):
        old_key = settings.SECRET_KEY
        settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation"
        assert len(audit_chain_verify()) == 5
        settings.SECRET_KEY_FALLBACKS = [old_key]
        assert audit_chain_verify() == []


class TestVerifyAuditChainCommand:
    def test_intact_chain_exits_zero(self, chain):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        assert "Audit chain intact: 5 entries" in out.getvalue()

    def test_broken_chain_raises_and_prints_the_problems(self, chain):
        raw_sql(
            "UPDATE audit_auditlog SET details = %s WHERE sequence = %s",
            [json.dumps({"n": 99}), 3],
        )
        err = StringIO()
        with pytest.raises(CommandError, match="Audit chain broken: 1 problem"):
            call_command("verify_audit_chain", stderr=err)
        assert "Hash mismatch at sequence 3" in err.getvalue()

    def test_broken_chain_exits_with_status_one(self, chain, capsys):
        raw_sql("DELETE FROM audit_auditlog WHERE sequence = %s", [2])
        with pytest.raises(SystemExit) as exit_:
            execute_from_command_line(["manage.py", "verify_audit_chain"])
        assert exit_.value.code == 1
        assert "Sequence gap before sequence 3" in capsys.readouterr().err
