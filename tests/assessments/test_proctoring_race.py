"""One proctoring session per attempt holds under racing requests."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from assessments.models import Attempt, ProctorEvent, ProctorSession
from assessments.services import proctoring
from portal.errors import Conflict
from tests.portal.auth_helpers import signed_in

from .test_proctoring import HEADER, HOME, make_exam, started

THREADS = 5


def together(target) -> None:
    """Run ``target`` in THREADS threads released at once (each closes its own
    database connection)."""
    barrier = threading.Barrier(THREADS)

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRacingSessions:
    def test_racing_starts_open_one_session(self, make_assessment, learner):
        exam = make_exam(make_assessment, max_attempts=THREADS)
        clients = []
        for _ in range(THREADS):
            client = APIClient()
            signed_in(client, learner)
            clients.append(client)
        responses = []
        lock = threading.Lock()
        queue = list(clients)

        def start():
            with lock:
                client = queue.pop()
            response = client.post(f"/api/v1/assessments/{exam.pk}/start", **HOME)
            with lock:
                responses.append(response)

        together(start)

        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * (THREADS - 1)
        winner = next(r for r in responses if r.status_code == 201)
        token = winner.json()["data"]["proctor_token"]
        losers = [r for r in responses if r.status_code == 409]
        assert {r.json()["errors"][0]["code"] for r in losers} == {
            "PROCTOR_SESSION_ACTIVE"
        }
        assert Attempt.objects.filter(assessment=exam).count() == 1
        session = ProctorSession.objects.get()
        assert session.token_hash == proctoring.token_hash(token=token)
        assert (
            ProctorEvent.objects.filter(kind="second_session_refused").count()
            == THREADS - 1
        )
        # The winner's browser goes on; nobody else does.
        resumed = clients[0].post(
            f"/api/v1/assessments/{exam.pk}/start", **{HEADER: token, **HOME}
        )
        assert resumed.status_code == 200

    def test_the_index_refuses_racing_session_creation(
        self, make_assessment, learner, api_client
    ):
        """Without the enrollment lock the services take, the partial unique index
        alone lets one of several racing session creations through."""
        signed_in(api_client, learner)
        exam = make_exam(make_assessment)
        attempt_id, _token = started(api_client, exam)
        ProctorSession.objects.filter(attempt_id=attempt_id).delete()
        outcomes = []
        lock = threading.Lock()

        def open_session():
            attempt = Attempt.objects.select_related("assessment").get(pk=attempt_id)
            try:
                token = proctoring.proctor_session_open(attempt=attempt, client=None)
            except Conflict as exc:
                outcome = exc.code
            else:
                outcome = "opened" if token else "none"
            with lock:
                outcomes.append(outcome)

        together(open_session)

        assert sorted(outcomes) == ["PROCTOR_SESSION_ACTIVE"] * (THREADS - 1) + [
            "opened"
        ]
        assert ProctorSession.objects.filter(attempt_id=attempt_id).count() == 1
