"""Two HR-system requests creating the same User at once: one 201, one 409, never
a 500 or two accounts (PostgreSQL, real threads)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from corporate.scim.models import ScimIdentity
from portal.accounts.models import User

from .conftest import user_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_creates_of_one_user(acme_token):
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        try:
            barrier.wait()
            response = Client().post(
                "/scim/v2/Users",
                json.dumps(user_body("ada@example.org")),
                content_type="application/scim+json",
                HTTP_AUTHORIZATION=f"Bearer {acme_token}",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert User.objects.filter(email="ada@example.org").count() == 1
    assert ScimIdentity.objects.count() == 1
