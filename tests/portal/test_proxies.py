"""The client address (portal/proxies.py): X-Forwarded-For counts only when the peer
is a trusted proxy, so a forged header from anyone else moves no throttle and no
audit record."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from portal.audit.models import AuditLog
from portal.proxies import client_ip
from tests.portal.auth_helpers import login
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

NGINX = "172.28.0.5"
ATTACKER = "198.51.100.66"
WRONG = "wrong-password-xx"
TOO_MANY = "Too many failed login attempts"


def request_from(peer: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


class TestClientIp:
    def test_no_proxy_is_trusted_by_default(self):
        assert client_ip(request_from(ATTACKER, "203.0.113.1")) == ATTACKER

    def test_untrusted_peer_cannot_forge_its_address(self, settings):
        settings.TRUSTED_PROXIES = ["172.28.0.0/24"]
        assert client_ip(request_from(ATTACKER, "203.0.113.1")) == ATTACKER

    def test_behind_a_trusted_proxy_the_entry_it_appended_counts(self, settings):
        settings.TRUSTED_PROXIES = ["172.28.0.0/24"]
        # The client wrote "1.2.3.4"; Nginx appended the address it saw.
        request = request_from(NGINX, "1.2.3.4, 203.0.113.1")
        assert client_ip(request) == "203.0.113.1"

    def test_chained_trusted_proxies_are_skipped(self, settings):
        settings.TRUSTED_PROXIES = ["172.28.0.0/24", "10.1.0.7"]
        request = request_from(NGINX, "1.2.3.4, 203.0.113.1, 10.1.0.7")
        assert client_ip(request) == "203.0.113.1"

    def test_trusted_proxy_without_the_header_is_the_client(self, settings):
        settings.TRUSTED_PROXIES = [NGINX]
        assert client_ip(request_from(NGINX)) == NGINX

    def test_a_unix_socket_peer_is_trusted_only_when_listed(self, settings):
        """gunicorn on a Unix socket gives the peer (Nginx) an empty REMOTE_ADDR."""
        request = request_from("", "1.2.3.4, 203.0.113.1")
        assert client_ip(request) is None
        settings.TRUSTED_PROXIES = ["172.28.0.0/24"]
        assert client_ip(request) is None
        settings.TRUSTED_PROXIES = ["172.28.0.0/24", "unix"]
        assert client_ip(request) == "203.0.113.1"
        assert client_ip(request_from("")) is None  # no header: nobody to name
        # "unix" never trusts an addressed peer's header.
        assert client_ip(request_from(ATTACKER, "203.0.113.1")) == ATTACKER


class TestSpoofedForwardedFor:
    @pytest.fixture(autouse=True)
    def _rates(self, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "3/hour"}
        settings.TRUSTED_PROXIES = ["172.28.0.0/24"]

    def test_rotating_forwarded_for_does_not_reset_the_ip_throttle(self):
        for i in range(3):
            client = APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
            assert login(client, UserFactory(), password=WRONG).status_code == 401

        client = APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="10.0.0.99")
        assert login(client, UserFactory(), password=WRONG).status_code == 429

    def test_behind_nginx_each_client_has_its_own_budget(self):
        for _ in range(3):
            client = APIClient(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=ATTACKER)
            assert login(client, UserFactory(), password=WRONG).status_code == 401
        assert (
            login(
                APIClient(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=ATTACKER),
                UserFactory(),
                password=WRONG,
            ).status_code
            == 429
        )

        other = APIClient(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.1")
        assert login(other, UserFactory(), password=WRONG).status_code == 401

    def test_audit_log_records_the_peer_not_the_forged_address(self):
        user = UserFactory()
        client = APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.1")
        login(client, user, password=WRONG)

        record = AuditLog.objects.get(action="auth.login_failed")
        assert record.ip_address == ATTACKER

    def test_web_sign_in_limit_counts_per_client_behind_nginx(self, client, settings):
        settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/h/ip"}
        form = {"login": "nobody@example.org", "password": WRONG}
        url = reverse("account_login")
        for _ in range(2):
            client.post(url, form, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=ATTACKER)
        refused = client.post(
            url, form, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=ATTACKER
        )
        assert TOO_MANY in refused.content.decode()

        other = client.post(
            url, form, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.1"
        )
        assert TOO_MANY not in other.content.decode()
