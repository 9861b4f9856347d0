"""POST /api/v1/courses/{id}/checkout: an order at the server's price and a Stripe
Checkout Session, made by the real ``stripe`` library against a fake Stripe."""

import time

import pytest
from werkzeug import Response

from integrations.resilience import vendor_breaker
from learning.models import EnrollmentSource
from learning.payments.models import Order, OrderStatus
from learning.services import enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def checkout(client, course, body=None, slash=""):
    return client.post(
        f"/api/v1/courses/{course.pk}/checkout{slash}", body or {}, format="json"
    )


class TestCheckout:
    def test_creates_a_pending_order_at_the_servers_price(
        self, api_client, fake_stripe, paid_course, student
    ):
        signed_in(api_client, student)
        # The client's amount is not an input: it is ignored.
        response = checkout(
            api_client, paid_course, {"provider": "stripe", "amount": 1}
        )

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        order = Order.objects.get(pk=data["order_id"])
        assert order.status == OrderStatus.PENDING
        assert order.user == student
        assert str(order.amount) == "99.00"
        assert order.currency == "usd"
        assert data["redirect_url"] == order.redirect_url
        assert data["redirect_url"].startswith("https://checkout.stripe.test/")
        [(_, form, headers)] = fake_stripe.calls("/v1/checkout/sessions")
        assert form["line_items[0][price_data][unit_amount]"] == "9900"
        assert form["line_items[0][price_data][currency]"] == "usd"
        assert form["metadata[order_reference]"] == str(order.reference)
        assert form["payment_intent_data[metadata][order_reference]"] == str(
            order.reference
        )
        assert form["customer_email"] == student.email
        assert form["success_url"].endswith(
            f"/learn/orders/{order.pk}/success/?session_id={{CHECKOUT_SESSION_ID}}"
        )
        assert headers["Idempotency-Key"] == f"checkout-{order.reference}"
        assert headers["Authorization"] == "Bearer sk_test_portal"

    def test_both_slash_forms_and_stripe_by_default(
        self, api_client, fake_stripe, paid_course, student
    ):
        signed_in(api_client, student)
        response = checkout(api_client, paid_course, slash="/")
        assert response.status_code == 201
        assert response.json()["data"]["provider"] == "stripe"

    def test_starting_again_returns_the_same_open_order(
        self, api_client, fake_stripe, paid_course, student
    ):
        signed_in(api_client, student)
        first = checkout(api_client, paid_course).json()["data"]
        second = checkout(api_client, paid_course).json()["data"]

        assert first["order_id"] == second["order_id"]
        assert first["redirect_url"] == second["redirect_url"]
        assert Order.objects.count() == 1
        assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1

    def test_an_expired_checkout_is_failed_and_a_new_one_starts(
        self, api_client, fake_stripe, paid_course, student
    ):
        signed_in(api_client, student)
        first = checkout(api_client, paid_course).json()["data"]
        Order.objects.filter(pk=first["order_id"]).update(expires_at=None)

        second = checkout(api_client, paid_course).json()["data"]

        assert second["order_id"] != first["order_id"]
        assert Order.objects.get(pk=first["order_id"]).status == OrderStatus.FAILED

    def test_a_free_course_is_409(self, api_client, fake_stripe, course, student):
        signed_in(api_client, student)
        response = checkout(api_client, course)
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "COURSE_IS_FREE"
        assert not Order.objects.exists()

    def test_already_enrolled_is_409(
        self, api_client, fake_stripe, paid_course, student, admin_user
    ):
        enrollment_create(
            actor=admin_user,
            user=student,
            course_id=paid_course.pk,
            source=EnrollmentSource.ADMIN,
        )
        signed_in(api_client, student)
        response = checkout(api_client, paid_course)
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "ALREADY_ENROLLED"
        assert not fake_stripe.requests

    def test_a_full_course_is_409_before_paying(
        self, api_client, fake_stripe, make_course, student, admin_user
    ):
        course = make_course(price="50", capacity=1)
        enrollment_create(
            actor=admin_user,
            user=UserFactory(),
            course_id=course.pk,
            source=EnrollmentSource.ADMIN,
        )
        signed_in(api_client, student)
        response = checkout(api_client, course)
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "COURSE_FULL"

    def test_missing_and_draft_courses_are_404(
        self, api_client, fake_stripe, make_course, student
    ):
        draft = make_course(price="10", publish=False)
        signed_in(api_client, student)
        assert checkout(api_client, draft).status_code == 404
        response = api_client.post("/api/v1/courses/999999/checkout", {}, format="json")
        assert response.status_code == 404

    @pytest.mark.parametrize("provider", ["bitcoin", 5, None, "", ["stripe"]])
    def test_an_unknown_provider_is_400_naming_the_field(
        self, api_client, fake_stripe, paid_course, student, provider
    ):
        signed_in(api_client, student)
        response = checkout(api_client, paid_course, {"provider": provider})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "provider"

    def test_malformed_json_is_400(self, api_client, fake_stripe, paid_course, student):
        signed_in(api_client, student)
        response = api_client.generic(
            "POST",
            f"/api/v1/courses/{paid_course.pk}/checkout",
            b"{not json",
            content_type="application/json",
        )
        assert response.status_code == 400

    def test_anonymous_is_401(self, api_client, fake_stripe, paid_course):
        assert checkout(api_client, paid_course).status_code == 401

    def test_without_keys_payments_are_not_configured(
        self, api_client, stripe_off, paid_course, student
    ):
        signed_in(api_client, student)
        response = checkout(api_client, paid_course)
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "PAYMENTS_NOT_CONFIGURED"
        assert not Order.objects.exists()

    def test_paypal_not_configured_is_503(
        self, api_client, fake_stripe, paid_course, student
    ):
        signed_in(api_client, student)
        response = checkout(api_client, paid_course, {"provider": "paypal"})
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "PAYMENTS_NOT_CONFIGURED"


class TestProviderFaults:
    def test_a_timeout_is_a_clear_503_and_leaves_no_order(
        self, api_client, httpserver, settings, paid_course, student
    ):
        settings.STRIPE = {
            "SECRET_KEY": "sk_test_portal",
            "WEBHOOK_SECRET": "whsec_x",
            "API_BASE": httpserver.url_for("").rstrip("/"),
        }
        settings.INTEGRATIONS_TIMEOUT_SECONDS = 0.3
        vendor_breaker(vendor="stripe").close()

        def slow(request):
            time.sleep(0.8)
            return Response("{}", content_type="application/json")

        httpserver.expect_request("/v1/checkout/sessions").respond_with_handler(slow)
        signed_in(api_client, student)

        response = checkout(api_client, paid_course)

        assert response.status_code == 503
        error = response.json()["errors"][0]
        assert error["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
        assert "Nothing was charged" in error["message"]
        assert not Order.objects.exists()
        vendor_breaker(vendor="stripe").close()

    def test_a_refusal_by_stripe_is_502_and_leaves_no_order(
        self, api_client, httpserver, fake_stripe, paid_course, student
    ):
        httpserver.clear_all_handlers()
        httpserver.expect_request("/v1/checkout/sessions").respond_with_json(
            {"error": {"type": "invalid_request_error", "message": "No such price"}},
            status=400,
        )
        signed_in(api_client, student)
        response = checkout(api_client, paid_course)
        assert response.status_code == 502
        assert response.json()["errors"][0]["code"] == "PAYMENT_PROVIDER_ERROR"
        assert not Order.objects.exists()

    def test_the_breaker_opens_after_failures_and_closes_after_recovery(
        self, api_client, httpserver, fake_stripe, settings, paid_course, student
    ):
        settings.INTEGRATIONS_RETRY_ATTEMPTS = 1
        settings.INTEGRATIONS_BREAKER_FAIL_MAX = 3
        # Long enough that the open circuit cannot reach half-open between the
        # failures and the refused call on a loaded machine.
        settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 5
        vendor_breaker(vendor="stripe").close()
        httpserver.clear_all_handlers()
        httpserver.expect_request("/v1/checkout/sessions").respond_with_json(
            {"error": {"type": "api_error", "message": "down"}}, status=500
        )
        signed_in(api_client, student)

        for _ in range(3):
            assert checkout(api_client, paid_course).status_code == 503
        reached = len(httpserver.log)
        # Open: refused at once, without reaching Stripe.
        response = checkout(api_client, paid_course)
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "PAYMENT_PROVIDER_UNAVAILABLE"
        assert len(httpserver.log) == reached
        assert not Order.objects.exists()

        # Stripe recovers; after the reset timeout one trial call closes the circuit.
        httpserver.clear_all_handlers()
        FakeStripeAgain = type(fake_stripe)
        FakeStripeAgain(httpserver)
        time.sleep(5.2)
        assert checkout(api_client, paid_course).status_code == 201
        assert vendor_breaker(vendor="stripe").current_state == "closed"


class TestStalledCheckout:
    def test_an_order_left_by_a_dead_request_does_not_block_forever(
        self, api_client, fake_stripe, paid_course, student
    ):
        from datetime import timedelta

        from django.utils import timezone

        stalled = Order.objects.create(
            user=student,
            course=paid_course,
            course_title=paid_course.title,
            amount=paid_course.price,
            currency="usd",
            provider="stripe",
        )
        signed_in(api_client, student)
        response = checkout(api_client, paid_course)
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "CHECKOUT_IN_PROGRESS"

        Order.objects.filter(pk=stalled.pk).update(
            created_at=timezone.now() - timedelta(minutes=3)
        )
        response = checkout(api_client, paid_course)
        assert response.status_code == 201
        assert Order.objects.get(pk=stalled.pk).status == OrderStatus.FAILED
