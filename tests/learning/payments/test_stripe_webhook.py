"""POST /api/v1/webhooks/stripe: only events Stripe signed (the library's own check,
5-minute tolerance) change anything, each once, in whatever order they come."""

import json
import threading
import time

import pytest
from django.core import mail
from django.db import connections
from rest_framework.test import APIClient

from learning.models import Enrollment, EnrollmentSource, EnrollmentStatus
from learning.payments.models import Order, OrderStatus, PaymentEvent
from portal.audit.models import AuditLog
from portal.notifications.models import Notification
from tests.portal.auth_helpers import signed_in

from .conftest import (
    WEBHOOK,
    charge_refunded,
    deliver,
    session_completed,
    stripe_signature,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(api_client, fake_stripe, paid_course, student):
    signed_in(api_client, student)
    response = api_client.post(
        f"/api/v1/courses/{paid_course.pk}/checkout", {}, format="json"
    )
    api_client.credentials()
    return Order.objects.get(pk=response.json()["data"]["order_id"])


def enrollment_of(order):
    return Enrollment.objects.filter(user=order.user, course=order.course).first()


class TestPaid:
    def test_a_paid_checkout_enrolls_the_buyer(
        self, api_client, order, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(api_client, session_completed(order))

        assert response.status_code == 200, response.content
        assert response.json()["data"] == {"received": True, "duplicate": False}
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert order.paid_at is not None
        assert order.provider_payment == f"pi_test_{order.pk}"
        enrollment = enrollment_of(order)
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert enrollment.source == EnrollmentSource.PAYMENT
        assert AuditLog.objects.filter(action="order.paid").count() == 1
        receipt = Notification.objects.get(event="payments.order_paid")
        assert receipt.user == order.user
        # The receipt, and the enrollment confirmation every enrollment sends.
        assert [m.to for m in mail.outbox] == [[order.user.email]] * 2
        assert any(f"/learn/orders/{order.pk}/receipt/" in m.body for m in mail.outbox)

    def test_the_same_event_twice_changes_nothing_the_second_time(
        self, api_client, order
    ):
        event = session_completed(order, event_id="evt_same")
        assert deliver(api_client, event).status_code == 200
        paid_at = Order.objects.get(pk=order.pk).paid_at

        again = deliver(api_client, event)

        assert again.status_code == 200
        assert again.json()["data"]["duplicate"] is True
        assert Order.objects.get(pk=order.pk).paid_at == paid_at
        assert Enrollment.objects.filter(user=order.user).count() == 1
        assert PaymentEvent.objects.count() == 1
        assert Notification.objects.filter(event="payments.order_paid").count() == 1

    def test_a_second_event_for_a_paid_order_changes_nothing(self, api_client, order):
        deliver(api_client, session_completed(order))
        deliver(
            api_client,
            session_completed(order, kind="checkout.session.async_payment_succeeded"),
        )
        assert Notification.objects.filter(event="payments.order_paid").count() == 1
        assert AuditLog.objects.filter(action="order.paid").count() == 1

    def test_an_unpaid_completion_waits_for_the_async_payment(self, api_client, order):
        deliver(api_client, session_completed(order, paid=False))
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING
        assert enrollment_of(order) is None

        deliver(
            api_client,
            session_completed(order, kind="checkout.session.async_payment_succeeded"),
        )
        assert enrollment_of(order).is_active

    def test_a_wrong_amount_is_paid_but_not_enrolled(
        self, api_client, order, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            deliver(api_client, session_completed(order, amount=100))
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert "refund it" in order.note
        assert enrollment_of(order) is None
        assert "could not enroll you" in mail.outbox[0].body

    def test_a_course_that_filled_up_meanwhile_leaves_a_note(
        self, api_client, order, admin_user
    ):
        from learning.services import enrollment_create
        from tests.portal.factories import UserFactory

        type(order.course).objects.filter(pk=order.course_id).update(capacity=1)
        enrollment_create(
            actor=admin_user,
            user=UserFactory(),
            course_id=order.course_id,
            source=EnrollmentSource.ADMIN,
        )
        deliver(api_client, session_completed(order))
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert "full" in order.note
        assert enrollment_of(order) is None

    def test_expired_fails_a_pending_order_but_not_a_paid_one(
        self, api_client, order, paid_course, student, fake_stripe
    ):
        deliver(api_client, session_completed(order, kind="checkout.session.expired"))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.FAILED

        # A payment that still arrives for it wins.
        deliver(api_client, session_completed(order))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        deliver(api_client, session_completed(order, kind="checkout.session.expired"))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    def test_other_event_types_are_recorded_and_ignored(self, api_client, order):
        event = {
            "id": "evt_other",
            "object": "event",
            "type": "customer.created",
            "created": int(time.time()),
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        }
        response = deliver(api_client, event)
        assert response.status_code == 200
        assert PaymentEvent.objects.get(event_id="evt_other").outcome == "ignored"


class TestRefundedAtStripe:
    def test_a_refund_after_payment_cancels_the_enrollment(
        self, api_client, order, django_capture_on_commit_callbacks
    ):
        deliver(api_client, session_completed(order))

        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(api_client, charge_refunded(order))

        assert response.status_code == 200
        order.refresh_from_db()
        assert order.status == OrderStatus.REFUNDED
        assert order.provider_refund == f"ch_test_{order.pk}"
        assert enrollment_of(order).status == EnrollmentStatus.CANCELLED
        assert Notification.objects.filter(event="payments.order_refunded").count() == 1
        assert "refunded" in mail.outbox[0].subject

    def test_a_refund_before_the_payment_event_never_enrolls(self, api_client, order):
        deliver(api_client, charge_refunded(order))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED

        deliver(api_client, session_completed(order))

        assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
        assert enrollment_of(order) is None
        assert not Notification.objects.exists()

    def test_a_partial_refund_changes_nothing(self, api_client, order):
        deliver(api_client, session_completed(order))
        deliver(api_client, charge_refunded(order, full=False))
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert enrollment_of(order).is_active

    def test_found_by_payment_intent_without_metadata(self, api_client, order):
        deliver(api_client, session_completed(order))
        event = charge_refunded(order)
        event["data"]["object"]["metadata"] = {}
        deliver(api_client, event)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED


class TestRefusedEvents:
    """Unsigned, forged, replayed, tampered or unknown: 400 and nothing changes."""

    def assert_nothing_changed(self, order):
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING
        assert enrollment_of(order) is None
        assert not PaymentEvent.objects.exists()

    def assert_refused(self, response):
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["code"] == "VALIDATION_ERROR"
        return error

    def test_missing_signature(self, api_client, order):
        error = self.assert_refused(
            deliver(api_client, session_completed(order), signature="")
        )
        assert error["field"] == "Stripe-Signature"
        self.assert_nothing_changed(order)

    def test_signed_with_another_secret(self, api_client, order):
        body = json.dumps(session_completed(order)).encode()
        forged = stripe_signature(body, secret="whsec_attacker")
        self.assert_refused(deliver(api_client, None, body=body, signature=forged))
        self.assert_nothing_changed(order)

    def test_tampered_body(self, api_client, order):
        event = session_completed(order)
        signature = stripe_signature(json.dumps(event).encode())
        event["data"]["object"]["amount_total"] = 1
        self.assert_refused(deliver(api_client, event, signature=signature))
        self.assert_nothing_changed(order)

    def test_replayed_after_five_minutes(self, api_client, order):
        body = json.dumps(session_completed(order)).encode()
        old = stripe_signature(body, at=time.time() - 301)
        self.assert_refused(deliver(api_client, None, body=body, signature=old))
        self.assert_nothing_changed(order)

    def test_within_five_minutes_is_accepted(self, api_client, order):
        body = json.dumps(session_completed(order)).encode()
        recent = stripe_signature(body, at=time.time() - 240)
        assert deliver(api_client, None, body=body, signature=recent).status_code == 200

    def test_signed_garbage(self, api_client, order):
        for body in (
            b"not json",
            b"[]",
            b'{"id": "evt_1"}',
            b'{"id": "e", "type": "t", "data": []}',
            b'{"id": "e", "type": "t", "data": {"object": 5}}',
            b"\xff\xfe",
        ):
            self.assert_refused(deliver(api_client, None, body=body))
        self.assert_nothing_changed(order)

    def test_an_event_for_no_order_of_ours(self, api_client, order):
        event = session_completed(order)
        event["data"]["object"]["metadata"] = {"order_reference": "not-a-uuid"}
        event["data"]["object"]["client_reference_id"] = None
        self.assert_refused(deliver(api_client, event))
        other = session_completed(order)
        other["data"]["object"]["id"] = "cs_test_someone_else"
        self.assert_refused(deliver(api_client, other))
        self.assert_nothing_changed(order)

    def test_stripe_not_configured(self, api_client, order, settings):
        settings.STRIPE = None
        self.assert_refused(deliver(api_client, session_completed(order)))
        self.assert_nothing_changed(order)

    def test_get_is_405(self, api_client, fake_stripe):
        assert api_client.get(WEBHOOK).status_code == 405
        assert api_client.get(WEBHOOK + "/").status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestRacingDeliveries:
    def test_two_identical_deliveries_at_once_enroll_once(
        self, fake_stripe, make_course, home_page
    ):
        from tests.portal.factories import UserFactory

        course = make_course(title="Malware Analysis", price="149")
        buyer = UserFactory()
        client = APIClient()
        signed_in(client, buyer)
        response = client.post(
            f"/api/v1/courses/{course.pk}/checkout", {}, format="json"
        )
        order = Order.objects.get(pk=response.json()["data"]["order_id"])
        body = json.dumps(session_completed(order, event_id="evt_race")).encode()
        signature = stripe_signature(body)
        threads_count = 4
        barrier = threading.Barrier(threads_count)
        codes, duplicates = [], []
        lock = threading.Lock()

        def run():
            try:
                barrier.wait(timeout=10)
                answer = deliver(APIClient(), None, body=body, signature=signature)
                with lock:
                    codes.append(answer.status_code)
                    duplicates.append(answer.json()["data"]["duplicate"])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert codes == [200] * threads_count
        assert sorted(duplicates) == [False] + [True] * (threads_count - 1)
        assert Enrollment.objects.filter(user=buyer, course=course).count() == 1
        assert PaymentEvent.objects.filter(event_id="evt_race").count() == 1
        assert Notification.objects.filter(event="payments.order_paid").count() == 1
        assert AuditLog.objects.filter(action="order.paid").count() == 1


class TestPartnerEvents:
    def test_order_paid_and_refunded_reach_subscribed_partners(
        self, api_client, order, admin_user, httpserver
    ):
        from portal.webhooks.models import WebhookEvent
        from portal.webhooks.services import webhook_endpoint_create

        webhook_endpoint_create(
            actor=admin_user,
            url=httpserver.url_for("/partner"),
            events=["order.paid", "order.refunded", "enrollment.created"],
        )
        deliver(api_client, session_completed(order))
        deliver(api_client, charge_refunded(order))

        events = list(WebhookEvent.objects.order_by("pk"))
        assert [e.type for e in events] == [
            "enrollment.created",
            "order.paid",
            "order.refunded",
        ]
        assert events[1].payload["data"]["order_id"] == order.pk
        assert events[1].payload["data"]["amount"] == "99.00"
        assert events[1].payload["data"]["enrolled"] is True
