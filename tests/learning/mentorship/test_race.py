"""Racing requests on PostgreSQL: two mentees booking one slot at the same moment
(exactly one wins, the others get 409 SLOT_TAKEN), and one mentor publishing
overlapping slots from two tabs (exactly one is stored)."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from rest_framework.test import APIClient

from learning.mentorship import services
from learning.mentorship.models import MentoringSession, SessionStatus, Slot
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import soon

THREADS = 4


def race(people, request) -> list[tuple[int, str | None]]:
    """Each person's signed-in client sends ``request`` at the same moment."""
    clients = []
    for person in people:
        client = APIClient()
        signed_in(client, person)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    results, lock = [], threading.Lock()

    def run(client):
        try:
            barrier.wait(timeout=10)
            response = request(client)
            errors = response.json().get("errors") or [{}]
            with lock:
                results.append((response.status_code, errors[0].get("code")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(clients)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestRace:
    def test_racing_bookings_exactly_one_wins(self, mentor, admin):
        mentees = [UserFactory() for _ in range(THREADS)]
        for person in mentees:
            services.mentorship_create(
                actor=admin, mentor_id=mentor.pk, mentee_id=person.pk
            )
        start = soon()
        [slot] = services.slot_create(
            actor=mentor, start=start, end=start + timedelta(hours=1)
        )
        results = race(
            mentees,
            lambda client: client.post(
                "/api/v1/mentoring-sessions",
                {"slot_id": slot.pk, "topic": "Mine"},
                format="json",
            ),
        )
        assert sorted(results) == [(201, None)] + [(409, "SLOT_TAKEN")] * (THREADS - 1)
        assert (
            MentoringSession.objects.filter(
                slot=slot, status=SessionStatus.BOOKED
            ).count()
            == 1
        )

    def test_racing_overlapping_slots_exactly_one_is_stored(self, mentor):
        start = soon()
        bodies = iter(
            {
                "start": (start + timedelta(minutes=10 * i)).isoformat(),
                "end": (start + timedelta(minutes=60 + 10 * i)).isoformat(),
            }
            for i in range(THREADS)
        )
        lock = threading.Lock()

        def publish(client):
            with lock:
                body = next(bodies)
            return client.post("/api/v1/mentors/me/slots", body, format="json")

        results = race([mentor] * THREADS, publish)
        assert sorted(results) == [(201, None)] + [(409, "SLOT_OVERLAP")] * (
            THREADS - 1
        )
        assert Slot.objects.filter(mentor=mentor).count() == 1
