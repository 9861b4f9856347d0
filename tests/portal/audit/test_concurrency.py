"""Appends racing from several connections: one chain never forks, and writers on
different chains do not wait for each other."""

import threading
import time
from collections import defaultdict

import pytest
from django.db import connection, transaction

from portal.audit.models import AuditChainHead, AuditLog
from portal.audit.services import (
    CHAIN_LOCK_NAMESPACE,
    audit_chain_verify,
    audit_log_record,
)

THREADS = 4
APPENDS_PER_THREAD = 10


def in_thread(target, *args) -> threading.Thread:
    """Run ``target`` on its own database connection; its exception is re-raised
    by ``join_and_raise``."""

    def run() -> None:
        try:
            target(*args)
        except BaseException as exc:
            thread.error = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.error = None
    thread.start()
    return thread


def join_and_raise(thread: threading.Thread, timeout: float = 30) -> None:
    thread.join(timeout=timeout)
    assert not thread.is_alive()
    if thread.error is not None:
        raise thread.error


def resources_on_two_chains() -> tuple[str, str]:
    """Two resource ids whose unattributed entries go to different chains, learnt by
    appending one committed probe entry for each candidate."""
    seen: dict[int, str] = {}
    for n in range(64):
        entry = audit_log_record(action="probe", resource_type="probe", resource_id=n)
        seen.setdefault(entry.chain, str(n))
        if len(seen) == 2:
            return tuple(seen.values())
    raise AssertionError("every probe landed in one chain")


def waiting_for_advisory_lock() -> bool:
    """Whether some other connection waits for an audit chain's lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND NOT granted",
            [CHAIN_LOCK_NAMESPACE],
        )
        return cursor.fetchone()[0] > 0


def entries_by_chain() -> dict[int, list[int]]:
    sequences: dict[int, list[int]] = defaultdict(list)
    for chain, sequence in AuditLog.objects.values_list("chain", "sequence"):
        sequences[chain].append(sequence)
    return sequences


@pytest.mark.postgres  # racing requests need PostgreSQL locks
@pytest.mark.django_db(transaction=True)
class TestConcurrentAppends:
    def test_racing_appends_leave_a_gapless_valid_chain(self):
        barrier = threading.Barrier(THREADS)

        def append_many(worker: int) -> None:
            barrier.wait(timeout=10)
            for n in range(APPENDS_PER_THREAD):
                # Each append in its own transaction, committed at once, so the
                # threads contend for the chain head all the time. No actor or
                # resource: the entries share one chain.
                with transaction.atomic():
                    audit_log_record(
                        action="enrollment.created",
                        details={"worker": worker, "n": n},
                    )

        threads = [in_thread(append_many, worker) for worker in range(THREADS)]
        for thread in threads:
            join_and_raise(thread, timeout=60)

        total = THREADS * APPENDS_PER_THREAD
        sequences = list(AuditLog.objects.values_list("sequence", flat=True))
        assert sequences == list(range(1, total + 1))
        assert AuditChainHead.objects.get().last_sequence == total
        assert audit_chain_verify() == []
        written = set(AuditLog.objects.values_list("details__worker", "details__n"))
        assert len(written) == total

    def test_writers_on_different_chains_do_not_wait_for_each_other(self):
        mine, theirs = resources_on_two_chains()
        committed: list[AuditLog] = []

        def append_and_commit() -> None:
            with transaction.atomic():
                entry = audit_log_record(
                    action="enrollment.created",
                    resource_type="probe",
                    resource_id=theirs,
                )
            committed.append(entry)

        with transaction.atomic():
            held = audit_log_record(
                action="enrollment.created", resource_type="probe", resource_id=mine
            )
            # Still inside the open transaction that holds ``held``'s chain lock:
            # the other writer must get through without waiting for it.
            join_and_raise(in_thread(append_and_commit), timeout=10)
            assert len(committed) == 1
            assert committed[0].chain != held.chain

        assert AuditLog.objects.filter(pk=committed[0].pk).exists()
        assert audit_chain_verify() == []

    def test_writers_on_one_chain_wait_for_each_others_commit(self):
        with transaction.atomic():
            first = audit_log_record(
                action="enrollment.created", resource_type="course", resource_id=7
            )
            other = in_thread(
                lambda: audit_log_record(
                    action="enrollment.created", resource_type="course", resource_id=7
                )
            )
            deadline = time.monotonic() + 10
            while not waiting_for_advisory_lock():
                assert time.monotonic() < deadline, "the second writer never queued"
                time.sleep(0.05)
            assert other.is_alive()
        join_and_raise(other)

        second = AuditLog.objects.exclude(pk=first.pk).get()
        assert second.chain == first.chain
        assert (second.sequence, second.prev_hash) == (2, first.hash)
        assert audit_chain_verify() == []

    def test_many_writers_across_chains_leave_every_chain_gapless(self):
        workers = 8
        barrier = threading.Barrier(workers)

        def append_many(worker: int) -> None:
            barrier.wait(timeout=10)
            for n in range(APPENDS_PER_THREAD):
                with transaction.atomic():
                    # Half the entries keyed to the worker, half to a shared
                    # resource, so chains are both shared and separate.
                    resource_id = worker if n % 2 else "shared"
                    audit_log_record(
                        action="enrollment.created",
                        resource_type="course",
                        resource_id=resource_id,
                        details={"worker": worker, "n": n},
                    )

        threads = [in_thread(append_many, worker) for worker in range(workers)]
        for thread in threads:
            join_and_raise(thread, timeout=120)

        assert audit_chain_verify() == []
        sequences = entries_by_chain()
        assert len(sequences) > 1
        heads = dict(AuditChainHead.objects.values_list("id", "last_sequence"))
        for chain, numbers in sequences.items():
            assert numbers == list(range(1, len(numbers) + 1))
            assert heads[chain] == len(numbers)
        assert AuditLog.objects.count() == workers * APPENDS_PER_THREAD


@pytest.mark.postgres  # advisory locks are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_an_open_append_holds_its_chains_advisory_lock_until_it_commits():
    probe: dict[str, bool] = {}

    def probe_chain(chain: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                [CHAIN_LOCK_NAMESPACE, chain],
            )
            probe["chain_free"] = cursor.fetchone()[0]

    def probe_now(chain: int) -> dict[str, bool]:
        probe.clear()
        join_and_raise(in_thread(probe_chain, chain), timeout=10)
        return dict(probe)

    with transaction.atomic():
        entry = audit_log_record(action="enrollment.created")
        assert probe_now(entry.chain) == {"chain_free": False}
        assert probe_now(entry.chain + 1) == {"chain_free": True}
    assert probe_now(entry.chain) == {"chain_free": True}


@pytest.mark.postgres  # only PostgreSQL takes one lock per chain
@pytest.mark.django_db(transaction=True)
def test_one_transactions_entries_join_the_chain_of_its_first():
    mine, theirs = resources_on_two_chains()
    with transaction.atomic():
        first = audit_log_record(action="x.y", resource_type="probe", resource_id=mine)
        second = audit_log_record(
            action="x.y", resource_type="probe", resource_id=theirs
        )
    assert second.chain == first.chain
    assert (second.sequence, second.prev_hash) == (first.sequence + 1, first.hash)
    # A new transaction chooses again.
    third = audit_log_record(action="x.y", resource_type="probe", resource_id=theirs)
    assert third.chain != first.chain
    assert audit_chain_verify() == []
