"""A SCIM conformance run (scim2-tester) against the real endpoints: discovery,
then create, read, query, replace, patch (add, replace, remove) and delete of Users
and Groups, with the tester's own random values."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

pytestmark = pytest.mark.django_db


class _TestWSGIApp:
    """Django's WSGI handler, without closing the test's database connection at
    each request's end (as Django's own test client does)."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = list(response)
            response.close()  # sends request_finished, here without the closing
            return body
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def test_scim2_tester_reports_no_failure(acme_token):
    client = WSGISCIMClient(
        _TestWSGIApp(),
        base_url="http://testserver/scim/v2",
        headers={"Authorization": f"Bearer {acme_token}"},
    )
    results = check_server(client, raise_exceptions=False)
    problems = [
        f"{r.title} [{r.resource_type}]: {r.reason}"
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
    ]
    assert results
    assert not problems, "\n".join(problems)
    succeeded = {r.title for r in results if r.status == Status.SUCCESS}
    assert len(succeeded) > 10
