"""Security notices: a password changed (API reset, web change) and a sign-in from
a new device (a new browser or a new network; API and web). Each e-mail's content is
asserted."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import KnownDevice
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36"
NEW_PASSWORD = "another-Long-passphrase-77"


def api_login(user, *, agent=FIREFOX, ip="192.0.2.10"):
    return APIClient().post(
        "/api/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def user():
    return UserFactory(email="ada@example.org", first_name="Ada")


def sent(subject_part: str) -> list:
    return [m for m in mail.outbox if subject_part in m.subject]


class TestNewDevice:
    def test_the_first_sign_in_tells_nobody(
        self, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert api_login(user).status_code == 200
        assert mail.outbox == []
        assert KnownDevice.objects.filter(user=user).count() == 1

    def test_same_browser_same_network_is_known(
        self, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            api_login(user, ip="192.0.2.10")
            api_login(user, ip="192.0.2.77")  # same /24
        assert mail.outbox == []

    @pytest.mark.parametrize(
        ("agent", "ip"), [(CHROME, "192.0.2.10"), (FIREFOX, "198.51.100.4")]
    )
    def test_a_new_browser_or_network_is_told(
        self, user, django_capture_on_commit_callbacks, agent, ip
    ):
        with django_capture_on_commit_callbacks(execute=True):
            api_login(user)
            assert api_login(user, agent=agent, ip=ip).status_code == 200
        [message] = mail.outbox
        assert message.to == ["ada@example.org"]
        assert message.subject == "New sign-in to your Cyber Learning Portal account"
        assert "Hello Ada" in message.body
        assert "a device we have not seen before" in message.body
        assert f"Address: {ip}" in message.body
        assert f"Device:  {agent}" in message.body
        assert "/accounts/password/change/" in message.body
        # Security notices cannot be turned off: no unsubscribe link.
        assert "Unsubscribe" not in message.body
        # Known from now on.
        with django_capture_on_commit_callbacks(execute=True):
            api_login(user, agent=agent, ip=ip)
        assert len(mail.outbox) == 1

    def test_another_persons_devices_do_not_count(
        self, user, django_capture_on_commit_callbacks
    ):
        other = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            api_login(other, agent=CHROME)
            api_login(user)
        assert mail.outbox == []

    def test_a_web_sign_in_from_a_new_device_is_told(
        self, client, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            api_login(user)
            response = client.post(
                reverse("account_login"),
                {"login": user.email, "password": PASSWORD},
                HTTP_USER_AGENT=CHROME,
            )
        assert response.status_code == 302
        [message] = sent("New sign-in")
        assert f"Device:  {CHROME}" in message.body

    def test_the_stored_fingerprint_names_neither_agent_nor_address(self, user):
        api_login(user)
        fingerprint = KnownDevice.objects.get(user=user).fingerprint
        assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)


class TestPasswordChanged:
    def test_an_api_reset_tells_the_owner(
        self, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            APIClient().post(
                "/api/v1/auth/forgot-password", {"email": user.email}, format="json"
            )
        token = re.search(r"reset/key/([^/\s]+)/", mail.outbox[-1].body).group(1)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = APIClient().post(
                "/api/v1/auth/reset-password",
                {"token": token, "password": NEW_PASSWORD},
                format="json",
                REMOTE_ADDR="203.0.113.9",
            )
        assert response.status_code == 200
        [message] = mail.outbox
        assert message.to == ["ada@example.org"]
        assert message.subject == "Your Cyber Learning Portal password was changed"
        assert "The password of your" in message.body
        assert "account was changed on" in message.body
        assert "/accounts/password/reset/" in message.body

    def test_a_web_change_tells_the_owner(
        self, client, user, django_capture_on_commit_callbacks
    ):
        client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_change_password"),
                {
                    "oldpassword": PASSWORD,
                    "password1": NEW_PASSWORD,
                    "password2": NEW_PASSWORD,
                },
            )
        assert response.status_code == 302
        [message] = sent("password was changed")
        assert message.to == ["ada@example.org"]
        assert "Hello Ada" in message.body
