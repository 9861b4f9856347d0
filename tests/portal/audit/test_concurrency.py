"""Appends racing from several connections must not fork the chain."""

import threading

import pytest
from django.db import connection, transaction

from portal.audit.models import AuditChainHead, AuditLog
from portal.audit.services import audit_chain_verify, audit_log_record

THREADS = 4
APPENDS_PER_THREAD = 10


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestConcurrentAppends:
    def test_racing_appends_leave_a_gapless_valid_chain(self):
        barrier = threading.Barrier(THREADS)
        errors: list[BaseException] = []

        def append_many(worker: int) -> None:
            try:
                barrier.wait(timeout=10)
                for n in range(APPENDS_PER_THREAD):
                    # Each append in its own transaction, committed at once, so the
                    # threads contend for the chain head all the time.
                    with transaction.atomic():
                        audit_log_record(
                            action="enrollment.created",
                            details={"worker": worker, "n": n},
                        )
            except BaseException as exc:  # re-raised by the main thread's assert
                errors.append(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=append_many, args=(worker,))
            for worker in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert errors == []
        total = THREADS * APPENDS_PER_THREAD
        sequences = list(AuditLog.objects.values_list("sequence", flat=True))
        assert sequences == list(range(1, total + 1))
        assert AuditChainHead.objects.get().last_sequence == total
        assert audit_chain_verify() == []
        written = set(AuditLog.objects.values_list("details__worker", "details__n"))
        assert len(written) == total


@pytest.mark.postgres  # advisory locks are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_an_open_append_holds_the_chains_advisory_lock_until_it_commits():
    from portal.audit.services import CHAIN_LOCK_KEY

    probe: dict[str, bool] = {}

    def probe_from_another_connection() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
                probe["chain_free"] = cursor.fetchone()[0]
        finally:
            connection.close()

    def probe_now() -> dict[str, bool]:
        probe.clear()
        thread = threading.Thread(target=probe_from_another_connection)
        thread.start()
        thread.join(timeout=10)
        return dict(probe)

    with transaction.atomic():
        audit_log_record(action="enrollment.created")
        assert probe_now() == {"chain_free": False}
    assert probe_now() == {"chain_free": True}
