"""Production delivers mail over SMTP: a notification goes through Django's real
SMTP backend to a local SMTP server (aiosmtpd) started by the test, and arrives with
its headers and text."""

from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from portal.notifications.services import notify
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SMTP_PORT = 8301


class Inbox:
    """An aiosmtpd handler that keeps every message it is handed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.content, policy=default_policy),
            )
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = SMTP_PORT
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "learning@example.org"
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_notification_arrives_over_smtp(
    smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory(email="linus@example.org", first_name="Linus")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user,
            event="learning.certificate_issued",
            payload={
                "course_title": "Linux for Defenders",
                "number": "WCH-2026-ABCD-EFGH",
                "certificate_url": "/learn/certificates/7/",
                "verification_url": "https://learn.example.org/certificates/verify/x/",
            },
        )
    [(sender, recipients, message)] = smtp_server.messages
    assert sender == "learning@example.org"
    assert recipients == ["linus@example.org"]
    assert message["Subject"] == "Your certificate for Linux for Defenders"
    assert message["To"] == "linus@example.org"
    assert "/notifications/unsubscribe/" in str(message["List-Unsubscribe"])
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Congratulations Linus" in body
    assert "WCH-2026-ABCD-EFGH" in body
