"""The log as several chains: where entries go, and that tampering with one chain is
reported for that chain only. Entries here are appended in separate transactions (on
PostgreSQL one transaction's entries all join its first entry's chain)."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from portal.accounts.models import User
from portal.audit.models import AuditChainHead, AuditLog
from portal.audit.services import audit_chain_verify, audit_log_record

pytestmark = pytest.mark.django_db(transaction=True)


def raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def spread_log() -> dict[int, list[AuditLog]]:
    """Unattributed entries about 24 resources, three each, grouped by chain."""
    chains: dict[int, list[AuditLog]] = defaultdict(list)
    for n in range(3):
        for resource_id in range(24):
            entry = audit_log_record(
                action="course.published",
                resource_type="course",
                resource_id=resource_id,
                details={"n": n},
            )
            chains[entry.chain].append(entry)
    assert len(chains) > 2
    return dict(chains)


def problems_by_chain() -> dict[int, list[str]]:
    problems: dict[int, list[str]] = defaultdict(list)
    for problem in audit_chain_verify():
        label, _, text = problem.partition(": ")
        problems[int(label.removeprefix("Chain "))].append(text)
    return dict(problems)


class TestChainChoice:
    def test_one_actors_entries_share_a_chain_and_actors_spread(self):
        users = [User.objects.create_user(f"u{n}@example.org", "pw") for n in range(12)]
        chains = {}
        for user in users:
            first = audit_log_record(action="auth.login_succeeded", user=user)
            second = audit_log_record(
                action="course.published",
                user=user,
                resource_type="course",
                resource_id=1,
            )
            assert second.chain == first.chain
            chains[user.pk] = first.chain
        assert len(set(chains.values())) > 1

    def test_one_resources_and_one_addresses_entries_share_a_chain(self):
        by_resource = {
            audit_log_record(action=action, resource_type="course", resource_id=5).chain
            for action in ("course.published", "course.archived", "course.deleted")
        }
        by_address = {
            audit_log_record(action="auth.login_failed", ip_address="203.0.113.9").chain
            for _ in range(3)
        }
        assert len(by_resource) == 1
        assert len(by_address) == 1

    def test_every_entry_stays_in_range_and_each_chain_counts_from_one(
        self, settings, spread_log
    ):
        for chain, entries in spread_log.items():
            assert 0 <= chain < settings.AUDIT_CHAINS
            assert [entry.sequence for entry in entries] == list(
                range(1, len(entries) + 1)
            )
            assert AuditChainHead.objects.get(pk=chain).last_hash == entries[-1].hash

    def test_changing_the_number_of_chains_keeps_the_log_verifiable(
        self, settings, spread_log
    ):
        settings.AUDIT_CHAINS = 1
        later = [
            audit_log_record(action="course.published", resource_id=n) for n in range(5)
        ]
        assert {entry.chain for entry in later} == {0}
        assert audit_chain_verify() == []
        settings.AUDIT_CHAINS = 32
        audit_log_record(action="course.published", resource_id="after")
        assert audit_chain_verify() == []


class TestTamperingIsReportedPerChain:
    def test_an_intact_log_has_no_problems(self, spread_log):
        assert audit_chain_verify() == []

    def test_an_edit_is_reported_for_its_chain_only(self, spread_log):
        chain, entries = next(iter(spread_log.items()))
        raw_sql(
            "UPDATE audit_auditlog SET action = %s WHERE id = %s",
            ["course.deleted", entries[0].pk],
        )
        assert problems_by_chain() == {
            chain: ["Hash mismatch at sequence 1: the entry was altered."]
        }

    def test_a_deletion_is_reported_for_its_chain_only(self, spread_log):
        chain, entries = next(
            (chain, entries)
            for chain, entries in spread_log.items()
            if len(entries) >= 3
        )
        raw_sql("DELETE FROM audit_auditlog WHERE id = %s", [entries[1].pk])
        problems = problems_by_chain()
        assert list(problems) == [chain]
        assert problems[chain][0].startswith("Sequence gap before sequence 3")

    def test_swapped_entries_are_reported_as_reordered(self, spread_log):
        chain, entries = next(iter(spread_log.items()))
        first, second = entries[0], entries[1]
        raw_sql(
            "UPDATE audit_auditlog SET sequence = sequence + 1000 WHERE id IN (%s, %s)",
            [first.pk, second.pk],
        )
        raw_sql("UPDATE audit_auditlog SET sequence = %s WHERE id = %s", [2, first.pk])
        raw_sql("UPDATE audit_auditlog SET sequence = %s WHERE id = %s", [1, second.pk])
        problems = problems_by_chain()
        assert list(problems) == [chain]
        assert any(
            p.startswith("prev_hash break at sequence 1") for p in problems[chain]
        )

    def test_an_entry_moved_to_another_chain_breaks_both(self, spread_log):
        (source, moved), (target, kept) = list(spread_log.items())[:2]
        raw_sql(
            "UPDATE audit_auditlog SET chain = %s, sequence = %s WHERE id = %s",
            [target, len(kept) + 1, moved[-1].pk],
        )
        problems = problems_by_chain()
        assert set(problems) == {source, target}
        assert problems[target][0] == (
            f"prev_hash break at sequence {len(kept) + 1}: it does not match the "
            "hash of the entry before it."
        )

    def test_a_whole_chain_relabelled_is_caught_by_its_genesis(
        self, settings, spread_log
    ):
        chain = next(iter(spread_log))
        unused = settings.AUDIT_CHAINS + 1
        raw_sql(
            "UPDATE audit_auditlog SET chain = %s WHERE chain = %s", [unused, chain]
        )
        raw_sql(
            "UPDATE audit_auditchainhead SET id = %s WHERE id = %s", [unused, chain]
        )
        assert problems_by_chain() == {
            unused: [
                "prev_hash break at sequence 1: it does not match the hash of the "
                "entry before it."
            ]
        }

    def test_a_lost_tail_is_reported_by_its_chains_head(self, spread_log):
        chain, entries = next(iter(spread_log.items()))
        raw_sql("DELETE FROM audit_auditlog WHERE chain = %s", [chain])
        assert problems_by_chain() == {
            chain: [
                f"Head mismatch: the head points at sequence {len(entries)}, which "
                "is missing (entries removed from the end?)."
            ]
        }


class TestVerifyAuditChainCommand:
    def test_reports_every_chain(self, spread_log):
        out = StringIO()
        call_command("verify_audit_chain", stdout=out)
        for chain, entries in spread_log.items():
            assert f"Chain {chain}: {len(entries)} entries intact" in out.getvalue()
        assert (
            f"Audit chain intact: 72 entries in {len(spread_log)} chain(s)"
            in out.getvalue()
        )
