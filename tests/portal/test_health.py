"""GET /health/ against the real services, and with each one broken."""

import socket
import time

import pytest
from django.test import override_settings

from portal.accounts.models import Role
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.support import result_of, run_python, subprocess_database_url

pytestmark = pytest.mark.django_db

PROBE = """
import json, time, django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/health/")
elapsed = time.monotonic() - started
print("RESULT " + json.dumps({"status": response.status_code, "elapsed": elapsed,
                              "body": response.json()}))
"""


def probe(**env: str) -> dict:
    settings = {"DJANGO_SETTINGS_MODULE": "portal.settings.test", **env}
    completed = run_python(PROBE, **settings)
    assert completed.returncode == 0, completed.stderr
    return result_of(completed.stdout)


class TestHealthy:
    def test_all_checks_pass(self, client):
        response = client.get("/health/")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "healthy"
        assert set(body["checks"]) == {
            "database",
            "cache",
            "broker",
            "disk_space",
            "memory",
        }
        assert all(c["status"] == "ok" for c in body["checks"].values())
        assert body["timestamp"].endswith("Z")
        assert response["Cache-Control"].startswith("max-age=0")

    def test_only_safe_methods(self, client):
        assert client.post("/health/").status_code == 405


class TestUnhealthy:
    def test_database_unreachable(self, settings):
        result = probe(
            DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
            REDIS_URL=settings.REDIS_URL,
        )
        assert result["status"] == 503
        body = result["body"]
        assert body["status"] == "unhealthy"
        assert body["checks"]["database"]["status"] == "error"
        assert body["checks"]["cache"]["status"] == "ok"
        assert result["elapsed"] < 6

    @pytest.mark.postgres  # the probe runs in a process of its own: a shared database
    def test_redis_unreachable(self, settings):
        result = probe(
            DATABASE_URL=subprocess_database_url(),
            REDIS_URL="redis://127.0.0.1:1/0",
        )
        assert result["status"] == 503
        checks = result["body"]["checks"]
        assert checks["cache"]["status"] == "error"
        assert checks["broker"]["status"] == "error"
        assert checks["database"]["status"] == "ok"

    def test_a_hanging_dependency_does_not_hang_the_probe(self, settings):
        # A socket that accepts connections but never answers: Redis PING hangs.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        try:
            result = probe(
                DATABASE_URL=subprocess_database_url(),
                REDIS_URL=f"redis://127.0.0.1:{port}/0",
            )
        finally:
            silent.close()
        assert result["status"] == 503
        assert result["body"]["checks"]["broker"]["status"] == "error"
        # Unbounded, the PING would wait forever; the probe keeps to its budget
        # (HEALTH_CHECK_TIMEOUT_SECONDS, 1.5 s) plus start-up, with room for a busy
        # CI machine (a timing guard, not a benchmark).
        assert result["elapsed"] < 6

    def test_disk_over_threshold(self, client):
        with override_settings(HEALTH_DISK_MAX_USAGE_PERCENT=0.001):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["checks"]["disk_space"]["status"] == "error"

    def test_memory_over_threshold(self, client):
        with override_settings(HEALTH_MEMORY_MAX_USAGE_PERCENT=0.001):
            started = time.monotonic()
            response = client.get("/health/")
        assert time.monotonic() - started < 2.5
        assert response.status_code == 503
        assert response.json()["checks"]["memory"]["status"] == "error"


class TestErrorDetailsAreForStaff:
    """A dependency's error string names hosts and ports; an outsider, a learner or a
    wrong token sees only each check's status (issue 13, finding 13)."""

    @pytest.fixture
    def failing_disk(self, settings):
        settings.HEALTH_DISK_MAX_USAGE_PERCENT = 0.001
        settings.HEALTH_TOKEN = "monitor-token-0123456789"

    def disk(self, response) -> dict:
        assert response.status_code == 503
        return response.json()["checks"]["disk_space"]

    def test_anonymous_sees_status_only(self, client, failing_disk):
        check = self.disk(client.get("/health/"))
        assert check["status"] == "error"
        assert "error" not in check

    @pytest.mark.parametrize(
        "header", ["Bearer wrong-token", "Bearer ", "Token monitor-token-0123456789"]
    )
    def test_a_wrong_token_sees_status_only(self, client, failing_disk, header):
        check = self.disk(client.get("/health/", HTTP_AUTHORIZATION=header))
        assert "error" not in check

    def test_a_student_sees_status_only(self, client, api_client, failing_disk):
        student = UserFactory()
        client.force_login(student)
        assert "error" not in self.disk(client.get("/health/"))
        token = signed_in(api_client, student)["token"]
        response = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert "error" not in self.disk(response)

    def test_the_health_token_sees_the_error(self, client, failing_disk):
        response = client.get(
            "/health/", HTTP_AUTHORIZATION="Bearer monitor-token-0123456789"
        )
        assert "disk" in self.disk(response)["error"].lower()

    def test_an_unset_token_matches_nothing(self, client, failing_disk, settings):
        settings.HEALTH_TOKEN = ""
        assert "error" not in self.disk(
            client.get("/health/", HTTP_AUTHORIZATION="Bearer ")
        )

    def test_an_admin_sees_the_error(self, client, api_client, failing_disk):
        admin = UserFactory(role=Role.ADMIN)
        client.force_login(admin)
        assert self.disk(client.get("/health/"))["error"]
        client.logout()
        token = signed_in(api_client, admin)["token"]
        response = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert self.disk(response)["error"]
