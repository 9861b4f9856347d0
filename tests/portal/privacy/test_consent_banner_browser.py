"""The consent banner in a real browser: a non-essential script rendered on every
page stays inert (never even fetched) until the visitor allows analytics, then
runs, on this page and the next ones. Anonymous visitors' choice lives in a
cookie, a signed-in person's in their consent ledger."""

import pytest
from playwright.sync_api import expect

from portal.privacy.models import ConsentRecord
from tests.browser import sign_in
from tests.portal.factories import UserFactory

from .consent_test_urls import SCRIPT_URL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analytics(settings):
    settings.ROOT_URLCONF = "tests.portal.privacy.consent_test_urls"
    settings.PRIVACY_ANALYTICS_SCRIPTS = [SCRIPT_URL]


def fetched(page) -> list[str]:
    """The analytics script's requests made by ``page`` from now on."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if SCRIPT_URL in r.url else None)
    return seen


def runs(page) -> int:
    return page.evaluate("window.analyticsRuns || 0")


class TestConsentBanner:
    def test_anonymous_visitor_scripts_wait_for_consent(
        self, browser_page, live_server, home_page, analytics
    ):
        page, base = browser_page, live_server.url
        page.context.clear_cookies()  # a visitor who has not answered yet
        requests = fetched(page)
        page.goto(f"{base}/")
        banner = page.get_by_role("region", name="Cookie consent")
        expect(banner).to_be_visible()
        expect(page.locator('script[type="text/plain"][data-consent="analytics"]'))
        page.wait_for_load_state("networkidle")
        assert runs(page) == 0
        assert requests == []

        banner.get_by_role("button", name="Allow analytics").click()
        expect(banner).to_be_hidden()
        page.wait_for_function("() => window.analyticsRuns === 1")
        assert len(requests) == 1
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}
        assert "granted" in cookie["portal_consent"]

        page.reload()
        page.wait_for_function("() => window.analyticsRuns === 1")
        expect(banner).to_be_hidden()

    def test_declining_keeps_them_off(
        self, browser_page, live_server, home_page, analytics
    ):
        page, base = browser_page, live_server.url
        page.context.clear_cookies()  # a visitor who has not answered yet
        requests = fetched(page)
        page.goto(f"{base}/")
        banner = page.get_by_role("region", name="Cookie consent")
        banner.get_by_role("button", name="Only necessary cookies").click()
        expect(banner).to_be_hidden()
        page.reload()
        page.wait_for_load_state("networkidle")
        expect(banner).to_be_hidden()
        assert runs(page) == 0
        assert requests == []

    def test_signed_in_choice_goes_to_the_ledger(
        self, browser_page, live_server, home_page, analytics
    ):
        user = UserFactory()
        page, base = browser_page, live_server.url
        page.context.clear_cookies()  # a visitor who has not answered yet
        requests = fetched(page)
        sign_in(page, base, user.email)
        banner = page.get_by_role("region", name="Cookie consent")
        expect(banner).to_be_visible()
        banner.get_by_role("button", name="Only necessary cookies").click()
        expect(banner).to_be_hidden()
        assert list(
            ConsentRecord.objects.filter(user=user).values_list("purpose", "granted")
        ) == [("analytics_cookies", False)]
        assert requests == []

        # Another browser of the same person: the ledger remembers.
        page.context.clear_cookies(name="portal_consent")
        page.reload()
        expect(banner).to_be_hidden()

        page.get_by_role("button", name="Cookie settings").click()
        banner.get_by_role("button", name="Allow analytics").click()
        page.wait_for_function("() => window.analyticsRuns === 1")
        latest = ConsentRecord.objects.filter(user=user).order_by("-at", "-pk").first()
        assert latest.granted is True

    def test_a_choice_made_before_signing_in_carries_over(
        self, browser_page, live_server, home_page, analytics
    ):
        # browser_page's visitor answered "only necessary cookies" before signing in.
        user = UserFactory()
        page, base = browser_page, live_server.url
        sign_in(page, base, user.email)
        expect(page.get_by_role("region", name="Cookie consent")).to_be_hidden()
        page.wait_for_function(
            "() => document.documentElement.dataset.consentAnalytics === 'denied'"
        )
        for _ in range(50):
            if ConsentRecord.objects.filter(user=user).exists():
                break
            page.wait_for_timeout(100)
        assert list(
            ConsentRecord.objects.filter(user=user).values_list("purpose", "granted")
        ) == [("analytics_cookies", False)]
        assert runs(page) == 0

    def test_an_allow_made_before_signing_in_is_asked_again(
        self, browser_page, live_server, home_page, analytics
    ):
        """Someone else may have allowed analytics in this browser: a signed-in
        person's consent is their own answer, not the cookie's."""
        user = UserFactory()
        page, base = browser_page, live_server.url
        page.context.clear_cookies()
        page.goto(f"{base}/")
        banner = page.get_by_role("region", name="Cookie consent")
        banner.get_by_role("button", name="Allow analytics").click()
        page.wait_for_function("() => window.analyticsRuns === 1")
        sign_in(page, base, user.email)
        expect(page.get_by_role("region", name="Cookie consent")).to_be_visible()
        assert runs(page) == 0
        assert not ConsentRecord.objects.filter(user=user).exists()
