"""Wrong passwords slow down the (account, address) pair they come from, never lock
the owner out, and an admin can unlock (issue 13, finding 14), tried from the
attacker's side: someone who knows the owner's email and guesses from one address."""

import pytest
from django.test import Client as WebClient
from rest_framework.test import APIClient

from portal.accounts import backoff
from portal.accounts.models import User
from portal.accounts.services import user_login_unlock
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import login
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"
WRONG = "wrong-password-xx"


@pytest.fixture(autouse=True)
def _backoff(settings):
    settings.LOGIN_BACKOFF_FREE_FAILURES = 5
    settings.LOGIN_BACKOFF_BASE_SECONDS = 2
    settings.LOGIN_BACKOFF_MAX_SECONDS = 900
    settings.LOGIN_BACKOFF_RESET_SECONDS = 3600
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "login_ip": "1000/hour",
        "login_account": "100/hour",
    }


@pytest.fixture
def clock(monkeypatch):
    """The backoff's clock, moved by hand so that ten guesses need no real waits."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(backoff, "_clock", lambda: now[0])
    return now


def guess(user, password=WRONG, ip=ATTACKER):
    return login(APIClient(REMOTE_ADDR=ip), user, password=password)


def guess_ten_times(user, clock):
    """Ten wrong passwords, each after the wait the previous one earned."""
    for _ in range(10):
        response = guess(user)
        if response.status_code == 429:
            clock[0] += int(response["Retry-After"])
            response = guess(user)
        assert response.status_code == 401, response.content


class TestAttacker:
    def test_ten_failures_slow_the_attacker_with_retry_after(self, clock):
        user = UserFactory()
        guess_ten_times(user, clock)
        response = guess(user, password=PASSWORD)
        assert response.status_code == 429
        assert response.json()["errors"][0]["code"] == "RATE_LIMITED"
        # The fifth paid failure waits 2 * 2**4 seconds.
        assert int(response["Retry-After"]) == 32

    def test_the_wait_doubles_up_to_the_cap(self, clock, settings):
        settings.LOGIN_BACKOFF_MAX_SECONDS = 10
        user = UserFactory()
        waits = []
        for _ in range(9):
            guess(user)
            waits.append(backoff.login_backoff_wait(email=user.email, ip=ATTACKER))
            clock[0] += waits[-1]
        assert waits == [0, 0, 0, 0, 0, 2, 4, 8, 10]

    def test_the_owner_signs_in_from_another_address(self, clock):
        user = UserFactory()
        guess_ten_times(user, clock)
        assert guess(user, password=PASSWORD, ip=OWNER).status_code == 200

    def test_the_account_ceiling_still_bounds_rotating_addresses(self, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_account": "4/hour"}
        user = UserFactory()
        for i in range(4):
            assert guess(user, ip=f"10.1.0.{i + 1}").status_code == 401
        assert guess(user, password=PASSWORD, ip=OWNER).status_code == 429

    def test_a_correct_password_forgets_that_address(self, clock):
        user = UserFactory()
        for _ in range(5):
            guess(user)
        assert guess(user, password=PASSWORD).status_code == 200
        assert guess(user).status_code == 401
        assert backoff.login_backoff_wait(email=user.email, ip=ATTACKER) == 0

    def test_the_web_sign_in_waits_out_the_same_backoff(self, clock):
        user = UserFactory()
        guess_ten_times(user, clock)
        web = WebClient(REMOTE_ADDR=ATTACKER)
        page = web.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert page.status_code == 200  # the form again, not signed in
        assert "_auth_user_id" not in web.session
        owner = WebClient(REMOTE_ADDR=OWNER)
        assert (
            owner.post(
                "/accounts/login/", {"login": user.email, "password": PASSWORD}
            ).status_code
            == 302
        )


class TestUnlock:
    def test_the_service_clears_the_backoff_and_is_audited(self, clock):
        user, admin = UserFactory(), UserFactory(role="admin")
        guess_ten_times(user, clock)
        user_login_unlock(user=user, actor=admin)
        assert guess(user).status_code == 401
        entry = AuditLog.objects.get(action="auth.login_unlocked")
        assert (entry.user_id, entry.resource_id) == (admin.pk, str(user.pk))

    def test_the_admin_sees_the_lock_and_unlocks_from_the_user_list(self, clock):
        user = UserFactory()
        guess_ten_times(user, clock)
        web = WebClient()
        web.force_login(User.objects.create_superuser("root@example.org", "pw"))
        listing = web.get("/django-admin/accounts/user/")
        assert "slowed from 1 address(es)" in listing.content.decode()
        response = web.post(
            "/django-admin/accounts/user/",
            {"action": "unlock_sign_in", "_selected_action": [user.pk]},
        )
        assert response.status_code == 302
        assert str(backoff.login_lock_state(email=user.email)) == "-"
        assert guess(user).status_code == 401
        assert AuditLog.objects.filter(action="auth.login_unlocked").count() == 1
