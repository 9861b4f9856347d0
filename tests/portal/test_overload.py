"""A request that queued too long in front of Django is refused at once with 503
(the envelope, Retry-After); /health/ never is; without Nginx's stamp nothing is
shed."""

import time

import pytest

pytestmark = pytest.mark.django_db


def stamped(seconds_ago: float) -> dict:
    return {"HTTP_X_REQUEST_START": f"t={time.time() - seconds_ago:.3f}"}


def test_a_request_that_waited_too_long_gets_503_without_work(
    api_client, settings, django_assert_num_queries
):
    settings.OVERLOAD_MAX_QUEUE_MS = 500
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/courses", **stamped(60))
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "SERVICE_UNAVAILABLE"


def test_a_fresh_request_is_served(api_client, settings):
    settings.OVERLOAD_MAX_QUEUE_MS = 30_000  # generous: a loaded test machine
    assert api_client.get("/api/v1/courses", **stamped(0)).status_code == 200


def test_health_is_never_shed(api_client, settings):
    settings.OVERLOAD_MAX_QUEUE_MS = 500
    assert api_client.get("/health/", **stamped(60)).status_code != 503


def test_without_the_stamp_or_with_shedding_off_nothing_is_shed(api_client, settings):
    settings.OVERLOAD_MAX_QUEUE_MS = 500
    assert api_client.get("/api/v1/courses").status_code == 200
    assert (
        api_client.get("/api/v1/courses", HTTP_X_REQUEST_START="junk").status_code
        == 200
    )
    settings.OVERLOAD_MAX_QUEUE_MS = 0
    assert api_client.get("/api/v1/courses", **stamped(10)).status_code == 200
