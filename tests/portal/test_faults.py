"""Redis, the broker and the database failing under a request (issue 13, Faults):
clear 503s and degraded-but-working answers, never a 500."""

import time

import pytest
from celery import Celery
from django.core import mail
from django.db import OperationalError
from django.test import override_settings
from django.urls import path
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from portal.queue import enqueue
from portal.state import counter_cache
from tests.portal.auth_helpers import login
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a connection is refused at once, as when Redis is down.
DOWN = "redis://127.0.0.1:1/0"


def _redis_down_caches(settings, *aliases):
    caches = {**settings.CACHES}
    for alias in aliases:
        caches[alias] = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    return caches


class TestStateRedisDown:
    def test_login_works_and_wrong_passwords_are_still_limited(self, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_account": "3/hour"}
        user = UserFactory()
        with override_settings(CACHES=_redis_down_caches(settings, "state")):
            assert login(APIClient(), user).status_code == 200
            for _ in range(3):
                response = login(APIClient(), user, password="wrong-password-xx")
                assert response.status_code == 401
            # The counters moved to this process's memory: the ceiling still holds.
            limited = login(APIClient(), user, password="wrong-password-xx")
            assert limited.status_code == 429
            assert limited.json()["errors"][0]["code"] == "RATE_LIMITED"

    def test_the_counter_cache_answers_from_memory_and_logs_once(
        self, settings, caplog
    ):
        with override_settings(CACHES=_redis_down_caches(settings, "state")):
            counter_cache.set("k", [1, 2], 60)
            assert counter_cache.get("k") == [1, 2]
            counter_cache.set("k2", 1, 60)
        outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(outages) <= 1


class TestBrokerDown:
    @pytest.fixture
    def down_app(self):
        """A real Celery app whose broker does not answer, with the portal's publish
        settings: publishing must fail fast, not hang the request."""
        from django.conf import settings

        app = Celery("down", broker=DOWN, set_as_current=False)
        app.conf.broker_connection_timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
        app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        app.conf.task_publish_retry_policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY

        @app.task(name="down.noop")
        def noop():
            return None

        yield noop
        app.close()

    def test_enqueue_gives_up_quickly_and_says_so(self, down_app, caplog):
        started = time.monotonic()
        assert enqueue(down_app, args=()) is False
        assert time.monotonic() - started < 5
        assert any("broker unreachable" in r.getMessage() for r in caplog.records)

    def test_a_password_reset_mail_is_sent_from_the_web_process(
        self, monkeypatch, down_app, django_capture_on_commit_callbacks
    ):
        """No sweeper can resend a reset mail (its key is not stored), so without
        a broker the request sends it itself."""
        import portal.accounts.services.registration as registration

        real_send = registration.send_password_reset_email.run

        # The portal's own task body, on an app whose broker is down.
        @down_app.app.task(name="down.password_reset")
        def send_on_dead_broker(user_id):
            return real_send(user_id)

        monkeypatch.setattr(
            registration, "send_password_reset_email", send_on_dead_broker
        )
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            response = APIClient().post(
                "/api/v1/auth/forgot-password", {"email": user.email}, format="json"
            )
        assert response.status_code == 200
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [user.email]


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def _database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def _redis_down(request):
    from redis.exceptions import ConnectionError

    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379.")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def _bug(request):
    raise RuntimeError("a bug")


def _page_database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("api/v1/test-db-down", _database_down),
    path("api/v1/test-redis-down", _redis_down),
    path("api/v1/test-bug", _bug),
    path("test-page-db-down", _page_database_down),
]


@pytest.mark.urls(__name__)
class TestOutageAnswers:
    @pytest.mark.parametrize("url", ["/api/v1/test-db-down", "/api/v1/test-redis-down"])
    def test_api_outages_are_503_in_the_envelope(self, url):
        response = APIClient().get(url)
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "error"
        assert body["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
        assert "server closed" not in response.content.decode()
        assert "127.0.0.1" not in response.content.decode()
        assert int(response["Retry-After"]) > 0

    def test_a_bug_stays_a_500(self):
        client = APIClient()
        client.raise_request_exception = False
        response = client.get("/api/v1/test-bug")
        assert response.status_code == 500
        assert response.json()["errors"][0]["code"] == "SERVER_ERROR"

    def test_pages_answer_a_503_page(self, client):
        response = client.get("/test-page-db-down")
        assert response.status_code == 503
        assert b"Temporarily unavailable" in response.content
        assert b"server closed" not in response.content
        assert int(response["Retry-After"]) > 0
