"""Attempt limits and one open attempt hold under racing requests."""

import threading

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Attempt, AttemptStatus
from tests.portal.auth_helpers import signed_in

from .conftest import RIGHT

THREADS = 5


def race(learner, steps) -> list[list[int]]:
    """Run ``steps`` (a function of a signed-in client returning status codes) in
    THREADS threads released together; return each thread's codes."""
    barrier = threading.Barrier(THREADS)
    results: list[list[int]] = []
    lock = threading.Lock()

    def run():
        try:
            client = APIClient()
            signed_in(client, learner)
            barrier.wait(timeout=10)
            codes = steps(client)
            with lock:
                results.append(codes)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == THREADS
    return results


def start_then_submit(assessment):
    def steps(client):
        started = client.post(f"/api/v1/assessments/{assessment.pk}/start")
        submitted = client.post(
            f"/api/v1/assessments/{assessment.pk}/submit",
            {"answers": RIGHT},
            format="json",
        )
        return [started.status_code, submitted.status_code]

    return steps


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRace:
    def test_one_attempt_allowed_racing_start_and_submit(
        self, make_assessment, learner
    ):
        assessment = make_assessment(max_attempts=1)
        results = race(learner, start_then_submit(assessment))
        assert Attempt.objects.filter(assessment=assessment).count() == 1
        submits = sorted(codes[1] for codes in results)
        assert submits == [201] + [409] * (THREADS - 1)
        assert sum(codes[0] == 201 for codes in results) == 1
        assert Attempt.objects.get().status == AttemptStatus.GRADED

    def test_one_open_attempt_racing_starts(self, make_assessment, learner):
        assessment = make_assessment(max_attempts=THREADS)

        def steps(client):
            return [
                client.post(f"/api/v1/assessments/{assessment.pk}/start").status_code
            ]

        results = race(learner, steps)
        assert sorted(c[0] for c in results) == [200] * (THREADS - 1) + [201]
        assert Attempt.objects.filter(assessment=assessment).count() == 1

    def test_limit_holds_for_racing_direct_submits(self, make_assessment, learner):
        assessment = make_assessment(max_attempts=2)

        def steps(client):
            response = client.post(
                f"/api/v1/assessments/{assessment.pk}/submit",
                {"answers": RIGHT},
                format="json",
            )
            return [response.status_code]

        results = race(learner, steps)
        assert sorted(c[0] for c in results) == [201, 201] + [409] * (THREADS - 2)
        numbers = sorted(
            Attempt.objects.filter(assessment=assessment).values_list(
                "attempt_number", flat=True
            )
        )
        assert numbers == [1, 2]


@pytest.mark.django_db
class TestConstraints:
    def test_database_refuses_a_second_open_attempt(self, make_assessment, learner):
        assessment = make_assessment()
        fields = {"assessment": assessment, "user": learner}
        Attempt.objects.create(attempt_number=1, started_at=timezone.now(), **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Attempt.objects.create(
                attempt_number=2, started_at=timezone.now(), **fields
            )

    def test_database_refuses_a_duplicate_attempt_number(
        self, make_assessment, learner
    ):
        assessment = make_assessment()
        fields = {"assessment": assessment, "user": learner, "attempt_number": 1}
        Attempt.objects.create(
            started_at=timezone.now(), status=AttemptStatus.GRADED, **fields
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Attempt.objects.create(started_at=timezone.now(), **fields)

    def test_a_race_the_lock_missed_is_a_conflict_and_nothing_is_kept(
        self, make_assessment, learner
    ):
        """Should two new attempts ever get past the enrollment lock, the second is
        a 409 and its transaction keeps nothing (no savepoint: the whole
        transaction ends)."""
        from assessments.services.attempts import _new_attempt
        from portal.errors import Conflict

        assessment = make_assessment()
        now = timezone.now()

        def both():
            with transaction.atomic():
                _new_attempt(learner, assessment, 1, now)
                _new_attempt(learner, assessment, 2, now)  # a second open one

        with pytest.raises(Conflict):
            both()
        assert not Attempt.objects.filter(assessment=assessment).exists()
        _new_attempt(learner, assessment, 1, now)  # the connection is usable
        assert Attempt.objects.filter(assessment=assessment).count() == 1
