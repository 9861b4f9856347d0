"""Playwright driving Debian's chromium, for the browser tests.

pytest-playwright's own ``browser``/``page`` fixtures look for browsers downloaded by
``playwright install``, which needs internet access; browser tests here use the
``chromium_browser`` and ``browser_page`` fixtures of tests/conftest.py instead.
Install the browser with ``scripts/ensure_browser.sh``.
"""

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright waits this long (ms) for elements and navigations before failing.
TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 800}


@contextmanager
def headless_chromium():
    """A headless Chromium for the duration of the block.

    Playwright's sync API keeps an asyncio loop running in the test thread while it
    is started, and Django then refuses ORM calls from that thread (the test body
    and the database flush after a ``live_server`` test). Django's documented switch
    for that is DJANGO_ALLOW_ASYNC_UNSAFE; it is set only while Playwright runs, so
    the rest of the suite keeps the check.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/ensure_browser.sh to install "
            "Debian's chromium for the browser tests.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()


class LiveServerRequests:
    """The requests the live server is handling, so that a test can wait until it
    has none before the test database is flushed.

    A page's ``pagehide``/``visibilitychange`` handlers post with ``keepalive``
    (the player's watch time, the quiz's answers), so closing a browser context can
    leave a request in flight at the live server that lands *after* the test: on
    PostgreSQL its row locks met the flush's TRUNCATE and deadlocked it (CI, stop
    25). ``tests/conftest.py`` wraps the live server's application with ``wrap``;
    ``browser_context`` waits for ``wait_idle`` after closing a context.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self._active = 0
        self._last = time.monotonic()
        self.installed = False

    def wrap(self, app):
        self.installed = True

        def counted(environ, start_response):
            self._begin()
            try:
                result = app(environ, start_response)
            except BaseException:
                self._end()
                raise
            return _ClosedThen(result, self._end)

        return counted

    def _begin(self):
        with self._changed:
            self._active += 1
            self._last = time.monotonic()

    def _end(self):
        with self._changed:
            self._active -= 1
            self._last = time.monotonic()
            self._changed.notify_all()

    def wait_idle(self, *, quiet: float = 0.25, timeout: float = 15.0) -> None:
        """Return once no request has been in flight for ``quiet`` seconds (one
        sent as the context closed has had time to arrive); fail after
        ``timeout``."""
        if not self.installed:
            return
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                if not self._active and now - self._last >= quiet:
                    return
                if now >= deadline:
                    raise AssertionError(
                        f"the live server still had {self._active} request(s) in "
                        f"flight {timeout:.0f} s after the browser closed"
                    )
                wait = quiet - (now - self._last) if not self._active else quiet
                self._changed.wait(min(max(wait, 0.01), deadline - now))


class _ClosedThen:
    """A WSGI response iterable that calls ``done`` once the server closes it
    (after the last byte is written, or on a dropped connection)."""

    def __init__(self, result, done):
        self._result = result
        self._done = done

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


live_requests = LiveServerRequests()


@contextmanager
def browser_context(browser, *, consent: str | None = "denied"):
    """A fresh context (own cookies and storage) with the suite's viewport and
    timeout; closed at the end of the block, which fails if the page's
    Content-Security-Policy (portal/csp.py) refused anything it loaded or ran."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    if consent is not None:
        # The visitor already answered the cookie banner (analytics: ``consent``),
        # so it does not cover what the test clicks; its own tests pass None.
        context.add_cookies(
            [
                {
                    "name": django_settings.PRIVACY_CONSENT_COOKIE,
                    "value": f"analytics%3A{consent}",
                    "domain": "localhost",
                    "path": "/",
                }
            ]
        )
    refused = []
    context.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield context
    finally:
        context.close()
        live_requests.wait_idle()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


def sign_in(page, base_url: str, email: str, *, lands_on: str | None = "/learn/"):
    """Sign in through the site's form (allauth) and wait for the landing page:
    "My learning" (``LOGIN_REDIRECT_URL``) unless the role has a home of its own
    (``LOGIN_REDIRECT_BY_ROLE``: a mentor lands on ``/mentor/``). ``None``: any page
    but the sign-in form."""
    from playwright.sync_api import expect

    from tests.portal.factories import PASSWORD

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if lands_on is None:
        expect(page).not_to_have_url(f"{base_url}/accounts/login/")
    else:
        expect(page).to_have_url(f"{base_url}{lands_on}")


def play_module_video(page, base_url: str, module_url: str, *, rate: float = 1):
    """Open a module page (signed in already, or a free preview) and start its
    video muted at ``rate``, once hls.js has taken the element over."""
    page.goto(f"{base_url}{module_url}")
    page.wait_for_function(
        "() => document.querySelector('video[data-player]').hls !== undefined"
    )
    page.evaluate(
        "() => { const v = document.querySelector('video[data-player]');"
        f" v.muted = true; v.playbackRate = {rate}; return v.play(); }}"
    )
