"""The shared outside-call policy, proved against a real HTTP server on 127.0.0.1:
retries, Retry-After, timeouts, and a circuit breaker shared through Redis."""

import time
import uuid

import pytest
from django.test import override_settings
from werkzeug import Response

from integrations import resilience
from integrations.http import OutsideCallRejected, VendorClient, retry_after_seconds
from integrations.resilience import (
    CircuitOpenError,
    OutsideCallTimeout,
    TransientError,
    outside_call,
    vendor_breaker,
)


@pytest.fixture(autouse=True)
def fast_policy(settings):
    """Tests wait milliseconds, not the production backoff."""
    settings.INTEGRATIONS_RETRY_ATTEMPTS = 3
    settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 0.01
    settings.INTEGRATIONS_BREAKER_FAIL_MAX = 5
    settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 60
    settings.INTEGRATIONS_TIMEOUT_SECONDS = 2


@pytest.fixture
def vendor():
    """A vendor name of its own per test, so no circuit state leaks between tests."""
    return f"acme-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client(httpserver, vendor):
    with VendorClient(vendor=vendor, base_url=httpserver.url_for("/")) as client:
        yield client


def requests_seen(httpserver) -> int:
    """Requests the server answered in this test (a slow handler of an earlier test
    may still log its late answer to /slow)."""
    return sum(1 for request, _ in httpserver.log if request.path != "/slow")


class TestRetries:
    def test_a_503_is_retried_then_the_success_is_returned(self, httpserver, client):
        httpserver.expect_ordered_request("/items").respond_with_data("", status=503)
        httpserver.expect_ordered_request("/items").respond_with_json({"ok": True})

        response = client.request("GET", "/items")

        assert response.json() == {"ok": True}
        assert requests_seen(httpserver) == 2

    def test_a_400_is_not_retried(self, httpserver, client):
        httpserver.expect_request("/items").respond_with_data("bad field", status=400)

        with pytest.raises(OutsideCallRejected) as caught:
            client.request("GET", "/items")

        assert caught.value.status == 400
        assert caught.value.body == "bad field"
        assert requests_seen(httpserver) == 1

    def test_transient_failures_give_up_after_the_configured_attempts(
        self, httpserver, client
    ):
        httpserver.expect_request("/items").respond_with_data("", status=502)

        with pytest.raises(TransientError) as caught:
            client.request("GET", "/items")

        assert caught.value.status == 502
        assert requests_seen(httpserver) == 3

    def test_a_post_is_retried_only_with_an_idempotency_key(self, httpserver, client):
        httpserver.expect_request("/pay", method="POST").respond_with_data(
            "", status=503
        )
        with pytest.raises(TransientError):
            client.request("POST", "/pay", json={})
        assert requests_seen(httpserver) == 1

        with pytest.raises(TransientError):
            client.request("POST", "/pay", json={}, idempotency_key="order-7")
        assert requests_seen(httpserver) == 4
        assert httpserver.log[-1][0].headers["Idempotency-Key"] == "order-7"

    def test_requests_carry_the_portal_user_agent(self, httpserver, client):
        httpserver.expect_request("/items").respond_with_data("ok")
        client.request("GET", "/items")
        assert (
            httpserver.log[0][0]
            .headers["User-Agent"]
            .startswith("cyber-learning-portal/")
        )

    def test_the_decorator_retries_an_sdk_call_on_transient_errors(self, vendor):
        calls = []

        @outside_call(vendor)
        def charge(*, amount: int) -> str:
            calls.append(amount)
            if len(calls) < 3:
                raise TransientError("flaky", vendor=vendor)
            return "charged"

        assert charge(amount=5) == "charged"
        assert calls == [5, 5, 5]


class TestRetryAfter:
    @override_settings(
        INTEGRATIONS_RETRY_ATTEMPTS=2, INTEGRATIONS_RETRY_MAX_WAIT_SECONDS=5
    )
    def test_the_vendors_retry_after_is_waited(self, httpserver, client):
        httpserver.expect_ordered_request("/items").respond_with_data(
            "", status=429, headers={"Retry-After": "1"}
        )
        httpserver.expect_ordered_request("/items").respond_with_data("ok")

        started = time.monotonic()
        client.request("GET", "/items")

        assert time.monotonic() - started >= 1.0
        assert requests_seen(httpserver) == 2

    @override_settings(
        INTEGRATIONS_RETRY_ATTEMPTS=2, INTEGRATIONS_RETRY_MAX_WAIT_SECONDS=0.2
    )
    def test_a_long_retry_after_is_capped(self, httpserver, client):
        httpserver.expect_ordered_request("/items").respond_with_data(
            "", status=503, headers={"Retry-After": "3600"}
        )
        httpserver.expect_ordered_request("/items").respond_with_data("ok")

        started = time.monotonic()
        client.request("GET", "/items")

        assert time.monotonic() - started < 2
        assert requests_seen(httpserver) == 2

    def test_retry_after_reads_seconds_and_http_dates(self):
        assert retry_after_seconds("7") == 7.0
        assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
        assert retry_after_seconds("soon") is None
        assert retry_after_seconds(None) is None


@override_settings(INTEGRATIONS_TIMEOUT_SECONDS=0.2, INTEGRATIONS_RETRY_ATTEMPTS=1)
def test_a_slow_vendor_raises_a_timeout_error(httpserver, client):
    def slow(request):
        time.sleep(1)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(OutsideCallTimeout, match="timed out"):
        VendorClient(vendor=client.vendor, base_url=httpserver.url_for("/")).request(
            "GET", "/slow"
        )


class TestCircuitBreaker:
    @pytest.fixture(autouse=True)
    def breaker_policy(self, settings):
        settings.INTEGRATIONS_RETRY_ATTEMPTS = 1
        settings.INTEGRATIONS_BREAKER_FAIL_MAX = 2

    def open_circuit(self, httpserver, client):
        httpserver.expect_request("/items").respond_with_data("", status=500)
        for _ in range(2):
            with pytest.raises(TransientError):
                client.request("GET", "/items")

    def test_it_opens_after_n_failures_and_then_refuses_fast(self, httpserver, client):
        self.open_circuit(httpserver, client)

        started = time.monotonic()
        with pytest.raises(CircuitOpenError):
            client.request("GET", "/items")

        assert time.monotonic() - started < 0.5
        assert requests_seen(httpserver) == 2

    def test_a_4xx_does_not_count_against_the_vendor(self, httpserver, client):
        httpserver.expect_request("/items").respond_with_data("", status=404)
        for _ in range(3):
            with pytest.raises(OutsideCallRejected):
                client.request("GET", "/items")
        assert vendor_breaker(vendor=client.vendor).current_state == "closed"

    def test_its_state_is_shared_through_redis(
        self, httpserver, client, settings, monkeypatch
    ):
        assert settings.REDIS_URL
        self.open_circuit(httpserver, client)
        # A fresh registry stands for another web or worker process.
        monkeypatch.setattr(resilience, "_breakers", {})

        other = vendor_breaker(vendor=client.vendor)
        assert other.current_state == "open"
        with pytest.raises(CircuitOpenError):
            client.request("GET", "/items")
        assert requests_seen(httpserver) == 2

    def test_without_redis_the_state_stays_in_this_process(
        self, httpserver, client, settings, monkeypatch
    ):
        settings.REDIS_URL = ""
        self.open_circuit(httpserver, client)
        assert vendor_breaker(vendor=client.vendor).current_state == "open"

        monkeypatch.setattr(resilience, "_breakers", {})
        assert vendor_breaker(vendor=client.vendor).current_state == "closed"

    # Redis keeps the opening time in whole seconds, so the circuit may reopen up to a
    # second early: the reset timeout here is longer than that, and so is the wait.
    @override_settings(INTEGRATIONS_BREAKER_RESET_SECONDS=1.5)
    def test_after_the_reset_timeout_one_trial_call_closes_it(self, httpserver, client):
        self.open_circuit(httpserver, client)
        httpserver.clear()
        httpserver.expect_request("/items").respond_with_data("back")
        time.sleep(1.6)

        assert client.request("GET", "/items").text == "back"
        assert vendor_breaker(vendor=client.vendor).current_state == "closed"

    @override_settings(INTEGRATIONS_BREAKER_RESET_SECONDS=1.5)
    def test_a_failed_trial_call_opens_it_again(self, httpserver, client):
        self.open_circuit(httpserver, client)
        time.sleep(1.6)

        with pytest.raises(TransientError):
            client.request("GET", "/items")
        with pytest.raises(CircuitOpenError):
            client.request("GET", "/items")
        assert requests_seen(httpserver) == 3
