"""Content-Security-Policy on HTML pages (portal/csp.py): an injected inline script or
a script from another origin does not run on learner pages; the admins get the
looser policy Wagtail needs; JSON and documents keep their own headers."""

import re

import pytest

from portal.csp import content_security_policy
from tests.browser import browser_context

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class TestLearnerPages:
    def test_injected_inline_or_foreign_script_does_not_run(self, client, home_page):
        response = client.get("/")
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]

    def test_no_one_may_frame_the_page(self, client, home_page):
        response = client.get("/")
        assert response["X-Frame-Options"] == "DENY"
        policy = directives(response["Content-Security-Policy"])
        assert policy["frame-ancestors"] == ["'none'"]

    def test_the_video_player_may_play(self, client, home_page):
        policy = directives(client.get("/")["Content-Security-Policy"])
        assert "blob:" in policy["media-src"]
        assert "blob:" in policy["worker-src"]
        assert policy["connect-src"] == ["'self'"]

    def test_the_sign_in_page_has_the_strict_policy(self, client):
        response = client.get("/accounts/login/")
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"])["script-src"] == [
            "'self'"
        ]

    def test_api_docs_have_no_inline_script(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        assert "script-src 'self';" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert not re.search(r"<script>", html)
        script = client.get("/api/v1/docs/?script")
        assert script.status_code == 200
        assert "SwaggerUIBundle" in script.content.decode()


class TestAdmin:
    def test_wagtail_admin_gets_the_editor_policy(self, client, django_user_model):
        admin = django_user_model.objects.create_superuser(
            "boss@example.org", "pw-long-enough-1"
        )
        client.force_login(admin)
        response = client.get("/cms/")
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" in policy["script-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]

    def test_policy_by_path_and_framing(self):
        learner = directives(
            content_security_policy(path="/courses/x/", x_frame_options="DENY")
        )
        admin = directives(
            content_security_policy(path="/cms/pages/3/", x_frame_options="SAMEORIGIN")
        )
        assert "'unsafe-inline'" not in learner["script-src"]
        assert "'unsafe-eval'" not in learner["script-src"]
        assert admin["frame-ancestors"] == ["'self'"]  # Wagtail's preview iframe
        exempt = content_security_policy(path="/", x_frame_options=None)
        assert "frame-ancestors" not in exempt


class TestOtherResponses:
    def test_api_json_keeps_its_headers(self, client):
        response = client.get("/api/v1/courses")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert "Content-Security-Policy" not in response

    def test_health_json_has_no_page_policy(self, client):
        assert "Content-Security-Policy" not in client.get("/health/")


def inject_inline_script(browser, url: str) -> None:
    """An attacker's markup adds an inline script; it must not run."""
    with browser_context(browser) as context:
        page = context.new_page()
        page.goto(url)
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.pwned = true';"
            " document.body.appendChild(s); }"
        )
        assert page.evaluate("() => window.pwned === undefined")


@pytest.mark.browser
def test_the_browser_refuses_an_injected_inline_script(
    chromium_browser, live_server, home_page
):
    """What the header is for: markup that slipped past escaping cannot run script.
    The browser tests' contexts fail on any refusal (tests/browser.py), so the same
    check proves the player, the quiz and the editor run under the policy."""
    with pytest.raises(AssertionError, match="Content-Security-Policy refused"):
        inject_inline_script(chromium_browser, f"{live_server.url}/")
