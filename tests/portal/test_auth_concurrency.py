"""Requests racing for the same single-use thing: only one may win."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from portal.accounts.models import User
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,  # racing requests need PostgreSQL row locks
]


def race(n: int, request) -> list[int]:
    """Run ``request(client)`` in ``n`` threads released at the same moment."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker():
        try:
            client = APIClient()
            barrier.wait(timeout=10)
            status = request(client).status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


class TestRaces:
    def test_one_refresh_token_rotates_once(self):
        refresh = signed_in(APIClient(), UserFactory())["refresh"]
        body = {"refresh": refresh}
        statuses = race(
            4, lambda c: c.post("/api/v1/auth/refresh", body, format="json")
        )
        assert statuses == [200, 401, 401, 401]

    def test_one_email_registers_once(self):
        body = {"email": "race@example.org", "password": PASSWORD}
        statuses = race(
            4, lambda c: c.post("/api/v1/auth/register", body, format="json")
        )
        assert statuses == [201, 400, 400, 400]
        assert User.objects.filter(email="race@example.org").count() == 1
