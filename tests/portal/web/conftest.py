"""Browser fixtures: Playwright driving Debian's chromium.

pytest-playwright's own ``browser``/``page`` fixtures look for browsers downloaded by
``playwright install``, which needs internet access; browser tests here use
``browser_page`` instead. Install the browser with ``scripts/ensure_browser.sh``.
"""

import os
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module.

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


@pytest.fixture
def browser_page(chromium_browser):
    """A page in a fresh browser context (own cookies and storage) for each test."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
