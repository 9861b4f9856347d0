"""The browser tests' drain of the live server (tests/browser.py): closing a browser
waits until the posts its pages sent as they closed have been answered, before the
test database is flushed."""

import threading
import time

import pytest

from tests.browser import LiveServerRequests


def _serve(app, *, started: threading.Event | None = None):
    """Call ``app`` as a WSGI server would: iterate the answer, then close it."""
    result = app({}, lambda status, headers: None)
    if started is not None:
        started.set()
    body = b"".join(result)
    result.close()
    return body


def test_waits_for_a_request_in_flight_then_a_quiet_moment():
    requests = LiveServerRequests()
    release = threading.Event()
    closed = []

    class Answer:
        def __iter__(self):
            release.wait(5)
            yield b"ok"

        def close(self):
            closed.append(time.monotonic())

    app = requests.wrap(lambda environ, start_response: Answer())
    started = threading.Event()
    server = threading.Thread(target=_serve, args=(app,), kwargs={"started": started})
    server.start()
    started.wait(5)
    threading.Timer(0.3, release.set).start()

    requests.wait_idle(quiet=0.2, timeout=5)
    idle_at = time.monotonic()
    server.join(5)

    assert closed, "wait_idle returned before the answer was closed"
    assert idle_at - closed[0] >= 0.2


def test_a_request_that_never_ends_fails_the_wait():
    requests = LiveServerRequests()
    release = threading.Event()

    def app(environ, start_response):
        release.wait(5)
        return [b""]

    server = threading.Thread(target=_serve, args=(requests.wrap(app),))
    server.start()
    time.sleep(0.05)
    try:
        with pytest.raises(AssertionError, match="1 request"):
            requests.wait_idle(quiet=0.05, timeout=0.3)
    finally:
        release.set()
        server.join(5)
    requests.wait_idle(quiet=0.05, timeout=2)


def test_an_application_error_still_counts_the_request_as_ended():
    requests = LiveServerRequests()

    def app(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        _serve(requests.wrap(app))
    requests.wait_idle(quiet=0.01, timeout=1)


def test_without_a_live_server_there_is_nothing_to_wait_for():
    started = time.monotonic()
    LiveServerRequests().wait_idle(quiet=5, timeout=5)
    assert time.monotonic() - started < 1
