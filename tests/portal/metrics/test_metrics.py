"""GET /metrics (API.md, "Operations"): refused unless the caller holds the token or
comes from an allowed network; the series it answers."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail import hooks

from content.media import VideoAsset, VideoStatus
from content.services import course_create
from learning.models import LearningSession
from portal import hooks as portal_hooks
from portal.celery import app, ping
from portal.metrics.collectors import ScrapeGauge
from tests.portal.factories import UserFactory

from .conftest import TOKEN, value


@pytest.mark.django_db
class TestAccess:
    def test_nobody_by_default_not_even_loopback(self, client, settings):
        assert settings.METRICS_TOKEN == ""
        assert settings.METRICS_ALLOWED_NETWORKS == []
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
        assert response.status_code == 403
        assert b"portal_" not in response.content
        # An empty token is never a match.
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403

    def test_the_bearer_token_opens_it(self, client, metrics_token):
        assert client.get("/metrics").status_code == 403
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
        assert wrong.status_code == 403
        basic = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")
        assert basic.status_code == 403
        for path in ("/metrics", "/metrics/"):
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/plain; version=")
            assert b"portal_http_requests_total" in response.content
        assert (
            client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code
            == 405
        )

    def test_an_allowed_network_opens_it(self, client, settings):
        settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="fd00::5").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 403
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403

    def test_the_client_address_is_the_one_trusted_proxies_give(self, client, settings):
        settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
        settings.TRUSTED_PROXIES = ["172.28.0.2"]
        # A forged header from someone who is not our proxy moves nothing.
        forged = client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3"
        )
        assert forged.status_code == 403
        # Through Nginx: the address it appended decides.
        inside = client.get(
            "/metrics", REMOTE_ADDR="172.28.0.2", HTTP_X_FORWARDED_FOR="10.1.2.3"
        )
        assert inside.status_code == 200
        outside = client.get(
            "/metrics",
            REMOTE_ADDR="172.28.0.2",
            HTTP_X_FORWARDED_FOR="10.1.2.3, 203.0.113.9",
        )
        assert outside.status_code == 403


@pytest.mark.django_db
class TestRequests:
    def test_counted_by_route_name_not_by_path(self, client, scrape):
        before = scrape()
        for course_id in (999001, 999002, 999003):
            assert client.get(f"/api/v1/courses/{course_id}").status_code == 404
        after = scrape()

        labels = {"method": "GET", "route": "course-detail", "status": "404"}
        assert (
            value(after, "portal_http_requests_total", **labels)
            - value(before, "portal_http_requests_total", **labels)
            == 3
        )
        timing = {"method": "GET", "route": "course-detail"}
        assert (
            value(after, "portal_http_request_duration_seconds_count", **timing)
            - value(before, "portal_http_request_duration_seconds_count", **timing)
            == 3
        )
        assert (
            value(
                after,
                "portal_http_request_duration_seconds_bucket",
                le="+Inf",
                **timing,
            )
            >= 3
        )
        assert not any("999001" in str(labels) for _, labels in after)

    def test_server_errors_are_counted(self, settings, scrape):
        settings.ROOT_URLCONF = "tests.portal.metrics.urls"
        before = scrape()
        response = Client(raise_request_exception=False).get("/boom/")
        assert response.status_code == 500
        after = scrape()

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        assert delta("portal_http_server_errors_total", method="GET", route="boom") == 1
        assert (
            delta(
                "portal_http_requests_total", method="GET", route="boom", status="500"
            )
            == 1
        )


@app.task(name="tests.metrics_failing_task")
def failing_task() -> None:
    raise ValueError("fails on purpose")


@pytest.mark.django_db
class TestCelery:
    def test_task_durations_by_name_and_state(self, scrape):
        before = scrape()
        assert ping.delay().get(timeout=1) == "pong"
        # As in a worker: the failure is recorded, not raised into the caller.
        assert failing_task.apply(throw=False).state == "FAILURE"
        after = scrape()

        def delta(**labels):
            name = "portal_celery_task_duration_seconds_count"
            return value(after, name, **labels) - value(before, name, **labels)

        assert delta(task="portal.ping", state="SUCCESS") == 1
        assert delta(task="tests.metrics_failing_task", state="FAILURE") == 1

    def test_queue_lengths_come_from_the_broker(self, scrape):
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        keys = ["notifications", "notifications\x06\x166", "media"]
        broker.delete(*keys)
        try:
            broker.lpush("notifications", "a", "b", "c")
            broker.lpush("notifications\x06\x166", "urgent")
            broker.lpush("media", "video")
            samples = scrape()
        finally:
            broker.delete(*keys)

        assert value(samples, "portal_celery_queue_length", queue="notifications") == 4
        assert value(samples, "portal_celery_queue_length", queue="media") == 1
        assert ("portal_celery_queue_length", (("queue", "integrations"),)) in samples
        assert ("portal_celery_queue_length", (("queue", "default"),)) in samples

    def test_a_broker_outage_leaves_the_rest_of_the_scrape(self, settings, scrape):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        samples = scrape()
        assert not any(name == "portal_celery_queue_length" for name, _ in samples)
        assert any(name == "portal_http_requests_total" for name, _ in samples)


@pytest.fixture
def course(db, home_page):
    from portal.accounts.models import Role

    instructor = UserFactory(role=Role.INSTRUCTOR)
    return course_create(
        actor=instructor,
        data={
            "title": "Network Defense",
            "description": "Defend networks.",
            "category": "Networking",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
        },
    )


def add_videos(owner, **per_status):
    for status, count in per_status.items():
        for index in range(count):
            VideoAsset.objects.create(
                title=f"{status} {index}",
                owner=owner,
                original=f"videos/originals/{status}{index}",
                status=status,
                hls_path="hls/x" if status == VideoStatus.READY else "",
            )


def add_sessions(course, minutes_ago: int, users):
    now = timezone.now()
    for user in users:
        LearningSession.objects.create(
            user=user,
            course=course,
            started_at=now - timedelta(minutes=minutes_ago + 5),
            ended_at=now - timedelta(minutes=minutes_ago),
        )


@pytest.mark.django_db
class TestAppSeries:
    def test_transcoding_backlog(self, scrape):
        owner = UserFactory()
        add_videos(owner, uploaded=2, processing=1, ready=3, failed=1)
        samples = scrape()
        name = "portal_video_transcoding_backlog"
        assert value(samples, name, status="uploaded") == 2
        assert value(samples, name, status="processing") == 1
        assert len([key for key in samples if key[0] == name]) == 2

    def test_active_learners_are_distinct_and_recent(self, course, scrape):
        recent = UserFactory.create_batch(2)
        add_sessions(course, 1, recent)
        add_sessions(course, 10, recent[:1])  # the same learner again
        add_sessions(course, 40, UserFactory.create_batch(3))  # long gone
        assert value(scrape(), "portal_active_learners") == 2

    def test_disk_space(self, scrape):
        samples = scrape()
        free = value(samples, "portal_disk_free_bytes", volume="media")
        size = value(samples, "portal_disk_size_bytes", volume="media")
        assert 0 < free <= size

    def test_a_failing_collector_leaves_the_others(self, scrape):
        def broken():
            raise RuntimeError("database gone")

        def register(*, registry):
            registry.register(ScrapeGauge("tests_broken", "Fails.", broken))
            registry.register(ScrapeGauge("tests_fine", "Answers.", lambda: 7.0))

        with hooks.register_temporarily(portal_hooks.METRICS, register):
            samples = scrape()
        assert value(samples, "tests_fine") == 7
        assert not any(name == "tests_broken" for name, _ in samples)
        assert value(samples, "portal_active_learners") == 0

    def test_queries_do_not_grow_with_rows(self, course, client, metrics_token):
        owner = UserFactory()

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
            assert response.status_code == 200
            return len(queries)

        add_videos(owner, uploaded=1, processing=1)
        add_sessions(course, 1, [owner])
        few = count()
        add_videos(owner, uploaded=20, processing=10)
        add_sessions(course, 1, UserFactory.create_batch(15))
        assert count() == few
        assert few <= 3
