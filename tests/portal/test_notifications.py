"""Notifications: recorded in the sender's transaction, delivered once after
commit, templated, and optional ones can be turned off by a signed link."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from portal.notifications.events import EVENTS
from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.selectors import unsubscribe_token
from portal.notifications.services import notification_deliver, notify
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications"


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_declared_event_has_its_templates(event):
    assert (TEMPLATES / event / "subject.txt").is_file()
    assert (TEMPLATES / event / "body.txt").is_file()


def test_notify_sends_after_commit_with_the_payload(django_capture_on_commit_callbacks):
    user = UserFactory(email="ada@example.com", first_name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user,
            event="learning.enrollment_confirmed",
            payload={"course_title": "Network Defense", "course_url": "/c/net/"},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject == "You are enrolled in Network Defense"
    assert "Hello Ada" in message.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/c/net/" in message.body
    # Optional: carries a working unsubscribe link and the one-click headers.
    assert "List-Unsubscribe" in message.extra_headers
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    row = Notification.objects.get()
    assert row.sent_at is not None
    assert row.channels == ["email"]


def test_nothing_is_sent_when_the_senders_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(
                    user=user,
                    event="learning.certificate_issued",
                    payload={"course_title": "X"},
                )
                raise RuntimeError("the sender failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_key_sends_at_most_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            user=user,
            event="accounts.password_changed",
            payload={},
            key="pw:1",
        )
        second = notify(
            user=user,
            event="accounts.password_changed",
            payload={},
            key="pw:1",
        )
    assert first is not None
    assert second is None
    assert len(mail.outbox) == 1


def test_delivering_a_notification_twice_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(user=user, event="accounts.password_changed")
    assert notification_deliver(notification_id=row.pk) is None
    assert len(mail.outbox) == 1


def test_an_undeclared_event_fails_where_it_is_written():
    with pytest.raises(KeyError):
        notify(user=UserFactory(), event="learning.typo")


def test_transactional_mail_has_no_unsubscribe(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, event="accounts.new_sign_in", payload={"at": "now"})
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "Unsubscribe" not in mail.outbox[0].body


def test_inactive_accounts_get_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, event="accounts.password_changed")
    assert mail.outbox == []
    assert Notification.objects.get().skipped_reason == "inactive"


class TestUnsubscribe:
    def test_the_link_asks_then_one_click_post_turns_the_event_off(
        self, client, home_page, django_capture_on_commit_callbacks
    ):
        user = UserFactory()
        token = unsubscribe_token(user_id=user.pk, event="learning.certificate_issued")
        url = f"/notifications/unsubscribe/{token}/"
        assert client.get(url).status_code == 200
        assert not NotificationPreference.objects.exists()
        response = client.post(url)
        assert response.status_code == 200
        pref = NotificationPreference.objects.get(user=user)
        assert (pref.event, pref.enabled) == ("learning.certificate_issued", False)
        with django_capture_on_commit_callbacks(execute=True):
            notify(user=user, event="learning.certificate_issued", payload={})
            notify(user=user, event="learning.enrollment_confirmed", payload={})
        # Only the event still on is sent.
        assert [m.subject for m in mail.outbox] == ["You are enrolled in"]
        assert (
            Notification.objects.get(event="learning.certificate_issued").skipped_reason
            == "unsubscribed"
        )

    def test_a_forged_or_altered_token_changes_nothing(self, client, home_page):
        user = UserFactory()
        token = unsubscribe_token(user_id=user.pk, event="learning.certificate_issued")
        for bad in (token[:-2] + "xx", "garbage", token.replace(":", ";", 1)):
            assert client.post(f"/notifications/unsubscribe/{bad}/").status_code == 404
        assert not NotificationPreference.objects.exists()

    def test_transactional_events_cannot_be_turned_off(self, client, home_page):
        user = UserFactory()
        token = unsubscribe_token(user_id=user.pk, event="accounts.password_changed")
        assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
        assert not NotificationPreference.objects.exists()


def test_a_failed_send_releases_its_claim_so_the_retry_sends(
    django_capture_on_commit_callbacks,
):
    from wagtail import hooks

    from portal import hooks as portal_hooks

    calls = []

    def flaky(*, user, event, payload):
        calls.append(event)
        if len(calls) == 1:
            raise OSError("SMTP server went away")
        return True

    user = UserFactory()
    with hooks.register_temporarily(portal_hooks.NOTIFICATION, flaky):
        row = notify(user=user, event="accounts.password_changed")
        with pytest.raises(OSError, match="went away"):
            notification_deliver(notification_id=row.pk)
        row.refresh_from_db()
        assert row.claimed_at is None
        assert row.sent_at is None
        notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(calls) == 2


def test_a_delivery_in_progress_is_not_sent_again():
    from django.utils import timezone

    user = UserFactory()
    row = notify(user=user, event="accounts.password_changed")
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert notification_deliver(notification_id=row.pk) is None
    assert mail.outbox == []
