"""DoD-style session controls: idle timeout per role (web and API), absolute
session lifetime, the concurrent-session limit per role (web and API together),
sign out everywhere from the API, and the sign-in notice. The clock is moved with
time-machine instead of waiting."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import Role, SessionEndReason, SessionKind, SignInSession
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import bearer, signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PROFILE = "/accounts/profile/"
MINUTE = 60


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def web_sign_in(user, client=None, **extra) -> Client:
    client = client or Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, **extra}
    )
    assert response.status_code == 302, response.content
    return client


def signed_in_web(client) -> bool:
    return client.get(PROFILE).status_code == 200


def refresh(refresh_token: str):
    return APIClient().post(
        "/api/v1/auth/refresh", {"refresh": refresh_token}, format="json"
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class TestWebIdleTimeout:
    def test_staff_sign_out_after_15_minutes_students_after_an_hour(self, clock):
        instructor = web_sign_in(UserFactory(role=Role.INSTRUCTOR))
        student = web_sign_in(UserFactory())
        clock.shift(14 * MINUTE)
        assert signed_in_web(instructor)
        clock.shift(15 * MINUTE + 1)  # 15 minutes after the last request
        response = instructor.get(PROFILE, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert "signed out after 15 minutes without activity" in " ".join(
            messages_of(response)
        )
        assert signed_in_web(student)  # 29 minutes: a student's hour is not up
        clock.shift(60 * MINUTE + 1)
        assert not signed_in_web(student)

    def test_the_ended_session_is_recorded_and_audited(self, clock):
        user = UserFactory(role=Role.MENTOR)
        client = web_sign_in(user)
        clock.shift(16 * MINUTE)
        client.get(PROFILE)
        session = SignInSession.objects.get(user=user, kind=SessionKind.WEB)
        assert session.end_reason == SessionEndReason.IDLE
        entry = AuditLog.objects.get(action="auth.session_timeout", user=user)
        assert entry.details == {"via": "web", "reason": "idle"}
        # The browser's cookie is worthless now, even if time went back.
        clock.shift(-16 * MINUTE)
        assert not signed_in_web(client)

    def test_every_request_is_activity(self, clock):
        client = web_sign_in(UserFactory(role=Role.ADMIN))
        for _ in range(6):
            clock.shift(10 * MINUTE)
            assert signed_in_web(client)

    def test_asking_how_long_is_left_is_not_activity(self, clock):
        client = web_sign_in(UserFactory(role=Role.INSTRUCTOR))
        clock.shift(10 * MINUTE)
        status = client.get(reverse("account-session")).json()
        assert status["authenticated"] is True
        assert status["idle_remaining"] == 5 * MINUTE
        assert status["remaining"] == 5 * MINUTE
        assert status["warning"] == 120
        # Wagtail's editor pings are the page's, not the person's.
        client.get("/cms/editing-sessions/ping/")
        clock.shift(5 * MINUTE + 1)
        assert not signed_in_web(client)

    def test_stay_signed_in_starts_the_idle_time_again(self, clock):
        client = web_sign_in(UserFactory(role=Role.INSTRUCTOR))
        clock.shift(14 * MINUTE)
        response = client.post(
            reverse("account-session"), HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 200
        assert response.json()["idle_remaining"] == 15 * MINUTE
        clock.shift(14 * MINUTE)
        assert signed_in_web(client)

    def test_without_script_stay_signed_in_goes_back_to_the_page(self, clock):
        client = web_sign_in(UserFactory())
        response = client.post(reverse("account-session"), {"next": "/learn/"})
        assert response.status_code == 302
        assert response["Location"] == "/learn/"
        offsite = client.post(reverse("account-session"), {"next": "https://x.test/"})
        assert offsite["Location"] == "/learn/"  # LOGIN_REDIRECT_URL, not off-site

    def test_status_of_an_anonymous_visitor_is_401(self, client):
        response = client.get(reverse("account-session"))
        assert response.status_code == 401
        assert response.json() == {"authenticated": False}

    def test_the_countdowns_end_signs_out_when_the_time_is_up(self, clock):
        client = web_sign_in(UserFactory(role=Role.INSTRUCTOR))
        ended = reverse("account-session-ended")
        clock.shift(10 * MINUTE)
        # Another tab was busy: back to the page.
        response = client.get(ended, {"next": "/learn/"})
        assert response["Location"] == "/learn/"
        clock.shift(5 * MINUTE)  # the countdown reached 0 with the server's clock
        response = client.get(ended, {"next": "/learn/"})
        assert response["Location"] == "/accounts/login/?next=%2Flearn%2F"
        assert not signed_in_web(client)

    def test_the_page_carries_the_dialog_for_signed_in_people_only(
        self, clock, client, home_page
    ):
        html = client.get("/").content.decode()
        assert 'id="session-timeout"' not in html
        web_sign_in(UserFactory(role=Role.INSTRUCTOR), client)
        html = client.get(PROFILE).content.decode()
        assert 'id="session-timeout"' in html
        assert 'data-remaining="900"' in html
        assert "js/session-timeout.js" in html
        assert "Stay signed in" in html

    def test_the_editor_carries_the_dialog_too(self, clock, client, home_page):
        from portal.accounts.services import user_role_privileges_sync

        instructor = UserFactory(role=Role.INSTRUCTOR)
        user_role_privileges_sync(user=instructor)
        web_sign_in(instructor, client)
        html = client.get("/cms/").content.decode()
        assert 'id="session-timeout"' in html
        assert "js/session-timeout.js" in html
        assert "data-remaining" not in html  # the script asks the server

    def test_a_role_without_idle_timeout(self, clock, settings):
        settings.SESSION_IDLE_TIMEOUT_BY_ROLE = {"student": 0}
        client = web_sign_in(UserFactory())
        clock.shift(11 * 60 * MINUTE)
        assert signed_in_web(client)
        assert client.get(reverse("account-session")).json()["idle_remaining"] is None


class TestAbsoluteLifetime:
    def test_a_busy_web_session_ends_after_12_hours(self, clock):
        client = web_sign_in(UserFactory())
        for _ in range(14):  # a request every 50 minutes: never idle
            clock.shift(50 * MINUTE)
            assert signed_in_web(client)
        clock.shift(50 * MINUTE)  # 12 h 30 min after signing in
        response = client.get(PROFILE, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert "maximum length of 12 hours" in " ".join(messages_of(response))
        session = SignInSession.objects.get(kind=SessionKind.WEB)
        assert session.end_reason == SessionEndReason.LIFETIME

    def test_a_busy_api_session_ends_after_12_hours(self, clock):
        user = UserFactory()
        tokens = signed_in(APIClient(), user)
        for _ in range(14):
            clock.shift(50 * MINUTE)
            response = refresh(tokens["refresh"])
            assert response.status_code == 200
            tokens = response.json()["data"]
        clock.shift(50 * MINUTE)
        response = refresh(tokens["refresh"])
        assert response.status_code == 401
        session = SignInSession.objects.get(user=user, kind=SessionKind.API)
        assert session.end_reason == SessionEndReason.LIFETIME
        # The refresh token lives 7 days (API.md): the session's end refuses it.
        assert refresh(tokens["refresh"]).status_code == 401


class TestApiIdleTimeout:
    def test_refresh_after_the_idle_timeout_fails_and_ends_the_session(self, clock):
        user = UserFactory(role=Role.INSTRUCTOR)
        tokens = signed_in(APIClient(), user)
        clock.shift(15 * MINUTE + 1)
        response = refresh(tokens["refresh"])
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "AUTHENTICATION_FAILED"
        session = SignInSession.objects.get(user=user, kind=SessionKind.API)
        assert session.end_reason == SessionEndReason.IDLE
        assert AuditLog.objects.filter(
            action="auth.session_timeout", user=user, details__via="api"
        ).exists()

    def test_requests_keep_the_session_alive(self, clock):
        api = APIClient()
        tokens = signed_in(api, UserFactory(role=Role.INSTRUCTOR))
        clock.shift(10 * MINUTE)
        assert api.get("/api/v1/users/me").status_code == 200
        clock.shift(10 * MINUTE)  # 20 minutes after login, 10 after the last use
        response = refresh(tokens["refresh"])
        assert response.status_code == 200, response.content

    def test_a_student_refreshes_after_30_idle_minutes(self, clock):
        tokens = signed_in(APIClient(), UserFactory())
        clock.shift(30 * MINUTE)
        assert refresh(tokens["refresh"]).status_code == 200

    def test_an_idle_timeout_shorter_than_the_access_token(self, clock, settings):
        settings.SESSION_IDLE_TIMEOUT_BY_ROLE = {"student": 5 * MINUTE}
        api = APIClient()
        tokens = signed_in(api, UserFactory())
        clock.shift(4 * MINUTE)
        assert api.get("/api/v1/users/me").status_code == 200
        clock.shift(5 * MINUTE + 1)
        assert api.get("/api/v1/users/me").status_code == 401
        # The session is over, not just that token.
        assert refresh(tokens["refresh"]).status_code == 401


@pytest.fixture
def limited(settings):
    settings.SESSION_CONCURRENT_LIMIT_BY_ROLE = {"instructor": 2, "admin": 2}


@pytest.mark.usefixtures("limited")
class TestConcurrentSessionLimit:
    def test_a_third_api_login_ends_the_oldest(self):
        user = UserFactory(role=Role.INSTRUCTOR)
        clients = [APIClient() for _ in range(3)]
        tokens = [signed_in(client, user) for client in clients]
        assert clients[0].get("/api/v1/users/me").status_code == 401
        assert refresh(tokens[0]["refresh"]).status_code == 401
        for client in clients[1:]:
            assert client.get("/api/v1/users/me").status_code == 200
        ended = SignInSession.objects.get(end_reason=SessionEndReason.LIMIT)
        assert (
            ended.started_at <= SignInSession.objects.exclude(pk=ended.pk)[0].started_at
        )
        entry = AuditLog.objects.get(action="auth.session_limit_ended", user=user)
        assert entry.details == {"kind": "api", "limit": 2}

    def test_web_and_api_sessions_count_together(self):
        user = UserFactory(role=Role.ADMIN)
        browser = web_sign_in(user)
        api = APIClient()
        signed_in(api, user)
        assert signed_in_web(browser)
        other_browser = web_sign_in(user)
        assert not signed_in_web(browser)  # the oldest: ended in the session store
        assert signed_in_web(other_browser)
        assert api.get("/api/v1/users/me").status_code == 200

    def test_sessions_already_over_do_not_count(self, clock):
        user = UserFactory(role=Role.INSTRUCTOR)
        gone = web_sign_in(user)
        gone.post(reverse("account_logout"))
        idle = APIClient()
        signed_in(idle, user)
        clock.shift(16 * MINUTE)  # idle past the timeout, not used since
        first, second = web_sign_in(user), web_sign_in(user)
        assert signed_in_web(first)
        assert signed_in_web(second)
        reasons = dict(SignInSession.objects.values_list("pk", "end_reason"))
        assert sorted(reasons.values()) == ["", "", "idle", "logout"]

    def test_signing_in_again_in_the_same_browser_is_not_a_new_session(self):
        user = UserFactory(role=Role.INSTRUCTOR)
        api = APIClient()
        signed_in(api, user)
        browser = web_sign_in(user)
        web_sign_in(user, browser)
        web_sign_in(user, browser)
        assert signed_in_web(browser)
        assert api.get("/api/v1/users/me").status_code == 200

    def test_other_people_and_students_are_not_affected(self):
        mine = UserFactory(role=Role.INSTRUCTOR)
        theirs = APIClient()
        signed_in(theirs, UserFactory(role=Role.INSTRUCTOR))
        students = [APIClient() for _ in range(4)]
        student = UserFactory()
        for client in students:
            signed_in(client, student)
        for _ in range(3):
            signed_in(APIClient(), mine)
        assert theirs.get("/api/v1/users/me").status_code == 200
        for client in students:
            assert client.get("/api/v1/users/me").status_code == 200


class TestSignOutEverywhereInTheApi:
    URL = "/api/v1/auth/logout-all"

    def test_ends_web_sessions_and_every_token_family(self):
        user = UserFactory()
        browser = web_sign_in(user)
        api, other_app = APIClient(), APIClient()
        signed_in(api, user)
        other_tokens = signed_in(other_app, user)
        response = api.post(self.URL)
        assert response.status_code == 200
        assert response.json()["data"]["detail"]
        assert api.get("/api/v1/users/me").status_code == 401
        assert other_app.get("/api/v1/users/me").status_code == 401
        assert refresh(other_tokens["refresh"]).status_code == 401
        assert not signed_in_web(browser)
        assert not SignInSession.objects.filter(ended_at__isnull=True).exists()
        assert AuditLog.objects.filter(
            action="auth.signed_out_everywhere", user=user
        ).exists()
        # Signing in again works.
        assert signed_in(APIClient(), user)["token"]

    def test_someone_elses_sessions_go_on(self):
        other = APIClient()
        signed_in(other, UserFactory())
        api = APIClient()
        signed_in(api, UserFactory())
        assert api.post(self.URL + "/").status_code == 200
        assert other.get("/api/v1/users/me").status_code == 200

    def test_anonymous_is_401(self):
        response = APIClient().post(self.URL)
        assert response.status_code == 401
        bearer(api := APIClient(), "not-a-token")
        assert api.post(self.URL).status_code == 401


class TestSignInNotice:
    USG = "You are accessing a U.S. Government (USG) Information System (IS)"

    def test_off_by_default(self, client, home_page):
        html = client.get(reverse("account_login")).content.decode()
        assert self.USG not in html
        assert "accept_notice" not in html
        web_sign_in(UserFactory(), client)

    def test_the_usg_notice_must_be_accepted(self, client, settings, home_page):
        settings.SIGN_IN_NOTICE = "usg"
        user = UserFactory()
        html = client.get(reverse("account_login")).content.decode()
        assert (
            f"<p>{self.USG} that is provided for USG-authorized use only.</p>" in html
        )
        assert "<li>At any time, the USG may inspect and seize data" in html
        assert 'name="accept_notice"' in html
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "Accept the notice to continue." in response.content.decode()
        assert not signed_in_web(client)
        # Not a failed password: no backoff, no "failed sign-in" entry.
        assert not AuditLog.objects.filter(action="auth.login_failed").exists()
        web_sign_in(user, client, accept_notice="on")
        assert signed_in_web(client)

    def test_a_notice_of_ones_own(self, client, settings, home_page):
        settings.SIGN_IN_NOTICE = (
            "Authorized use only.\n\n- Activity is logged.\n- Be kind."
        )
        html = client.get(reverse("account_login")).content.decode()
        assert "<p>Authorized use only.</p>" in html
        assert re.search(r"<li>Activity is logged.</li>\s*<li>Be kind.</li>", html)

    def test_signing_up_asks_too(self, client, settings, home_page):
        settings.SIGN_IN_NOTICE = "usg"
        form = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        response = client.post(reverse("account_signup"), form)
        assert response.status_code == 200
        assert self.USG in response.content.decode()
        assert "Accept the notice to continue." in response.content.decode()
        response = client.post(
            reverse("account_signup"), {**form, "accept_notice": "on"}
        )
        assert response.status_code == 302


class TestRegistryUpkeep:
    def test_old_sessions_are_forgotten_live_ones_kept(self, clock):
        from portal.accounts.tasks import prune_sign_in_sessions

        user = UserFactory()
        ended = web_sign_in(user)
        ended.post(reverse("account_logout"))
        signed_in(APIClient(), user)  # never ended: kept until it cannot be live
        clock.shift(datetime.timedelta(days=89))
        live = APIClient()
        signed_in(live, user)
        assert prune_sign_in_sessions() == 0
        clock.shift(datetime.timedelta(days=2))
        assert prune_sign_in_sessions() == 2
        kept = SignInSession.objects.get()
        assert kept.ended_at is None
        assert kept.started_at == START + datetime.timedelta(days=89)
