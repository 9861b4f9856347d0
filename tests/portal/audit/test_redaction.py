"""Pseudonymizing the audit log for an erased person: entries stay (no gap in any
chain), personal values go, and ``audit_chain_verify`` still passes, while an
entry edited after its redaction, or "redacted" without the key, is reported."""

import pytest
from django.db import connection
from django.utils import timezone

from portal.audit.models import AuditLog, AuditLogImmutableError
from portal.audit.services import (
    audit_chain_verify,
    audit_entries_redact,
    audit_log_record,
)
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "quintessa.vale@example.org"


@pytest.fixture
def entries():
    person = UserFactory(email=EMAIL, first_name="Quintessa", last_name="Vale")
    admin = UserFactory(email="admin@example.org")
    other = UserFactory(email="other@example.org", first_name="Otto")
    return {
        "person": person,
        "own": audit_log_record(
            action="auth.login_succeeded",
            user=person,
            ip_address="203.0.113.7",
            user_agent="Firefox",
            details={"via": "web"},
        ),
        "failed": audit_log_record(
            action="auth.login_failed",
            ip_address="203.0.113.7",
            user_agent="curl",
            details={"email": EMAIL},
        ),
        "about": audit_log_record(
            action="user.role_changed",
            user=admin,
            resource_type="user",
            resource_id=person.pk,
            ip_address="198.51.100.1",
            details={"note": "Quintessa Vale asked for it", "to": "mentor"},
        ),
        "unrelated": audit_log_record(
            action="auth.login_succeeded",
            user=other,
            ip_address="192.0.2.1",
            details={"via": "Quintessential app"},
        ),
    }


def _row(entry):
    return AuditLog.objects.get(pk=entry.pk)


class TestRedaction:
    def test_personal_values_go_and_every_chain_still_verifies(self, entries):
        person = entries["person"]
        changed = audit_entries_redact(
            user_id=person.pk, needles=[person.email, "Quintessa Vale", "Quintessa"]
        )
        assert changed == 3
        own, failed, about = (_row(entries[k]) for k in ("own", "failed", "about"))
        assert (own.actor_email, own.ip_address, own.user_agent) == ("", None, "")
        assert own.actor_id == person.pk
        assert own.action == "auth.login_succeeded"
        assert failed.details == {"email": "[erased]"}
        assert failed.ip_address is None
        # The administrator's own address and client stay on their entry.
        assert about.actor_email == "admin@example.org"
        assert about.ip_address == "198.51.100.1"
        assert about.details == {"note": "[erased] asked for it", "to": "mentor"}
        # Same hashes, same links: no gap, no fork.
        for key in ("own", "failed", "about"):
            assert _row(entries[key]).hash == entries[key].hash
            assert _row(entries[key]).redacted_at is not None
        unrelated = _row(entries["unrelated"])
        assert unrelated.redacted_at is None
        assert unrelated.details == {"via": "Quintessential app"}
        assert audit_chain_verify() == []

    def test_an_entry_edited_after_its_redaction_is_reported(self, entries):
        person = entries["person"]
        audit_entries_redact(user_id=person.pk, needles=[person.email])
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditlog SET action = %s WHERE id = %s",
                ["auth.logout", entries["own"].pk],
            )
        problems = audit_chain_verify()
        assert len(problems) == 1
        assert "Hash mismatch" in problems[0]

    def test_a_redaction_without_the_key_is_reported(self, entries):
        """Blanking values behind the ORM's back and calling it a redaction does
        not pass: the seal is keyed."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditlog SET actor_email = '', redacted_at = %s, "
                "redaction_mac = %s WHERE id = %s",
                [timezone.now(), "0" * 64, entries["own"].pk],
            )
        problems = audit_chain_verify()
        assert any("Hash mismatch" in p for p in problems)

    def test_without_a_seal_a_blanked_entry_breaks_the_chain(self, entries):
        """Why the seal exists: the chain hash alone no longer matches."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditlog SET actor_email = '' WHERE id = %s",
                [entries["own"].pk],
            )
        assert audit_chain_verify()

    def test_the_orm_allows_no_other_rewrite(self, entries):
        rows = AuditLog.objects.filter(pk=entries["own"].pk)
        with pytest.raises(AuditLogImmutableError):
            rows.redaction_update(actor_email="")
        with pytest.raises(AuditLogImmutableError):
            rows.redaction_update(action="x", redaction_mac="0" * 64)
