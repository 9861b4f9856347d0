"""Buying a paid course in a real browser with the Stripe flow: the test plays
Stripe's part (its hosted checkout page on a local server, and the signed
``checkout.session.completed`` event), the learner lands enrolled, and an admin's
refund cancels the enrollment."""

import json
import re

import httpx
import pytest
from playwright.sync_api import expect
from werkzeug import Request, Response

from learning.models import Enrollment, EnrollmentStatus
from learning.payments.models import Order, OrderStatus
from learning.payments.services import order_refund
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.browser import sign_in
from tests.portal.factories import UserFactory

from .conftest import WEBHOOK, session_completed, stripe_signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class TestBuyingInTheBrowser:
    def test_buy_land_enrolled_then_a_refund_cancels(
        self,
        browser_page,
        live_server,
        home_page,
        make_course,
        httpserver,
        settings,
        fake_stripe,
    ):
        base = live_server.url
        stripe_page = httpserver.url_for("").rstrip("/")
        settings.WAGTAILADMIN_BASE_URL = base
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "form-action": ["'self'", stripe_page],
        }
        fake_stripe.checkout_page = stripe_page

        def hosted_checkout(request: Request) -> Response:
            """Stripe's hosted page: a Pay link back to the portal's success URL."""
            session = fake_stripe.sessions[request.path.rsplit("/", 1)[-1]]
            back = session["success_url"].replace(
                "{CHECKOUT_SESSION_ID}", session["id"]
            )
            return Response(
                f'<html><body><h1>Stripe test checkout</h1><a href="{back}">Pay'
                "</a></body></html>",
                content_type="text/html",
            )

        httpserver.expect_request(re.compile(r"^/c/pay/")).respond_with_handler(
            hosted_checkout
        )
        course = make_course(title="Threat Hunting", price="99")
        learner = UserFactory(email="ada@example.org")
        page = browser_page

        sign_in(page, base, learner.email)
        page.goto(f"{base}{course.url}")
        page.get_by_role("button", name="Enroll for $99").click()

        # At "Stripe": the order is pending until Stripe's event says it is paid.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Stripe test checkout"
        )
        order = Order.objects.get(user=learner)
        assert order.status == OrderStatus.PENDING
        page.get_by_role("link", name="Pay").click()
        expect(page).to_have_url(re.compile(rf"/learn/orders/{order.pk}/success/"))
        expect(page.get_by_role("status")).to_contain_text("confirming your payment")

        # Stripe sends the signed event; the page refreshes itself into "enrolled".
        body = json.dumps(session_completed(order)).encode()
        answer = httpx.post(
            f"{base}{WEBHOOK}",
            content=body,
            headers={
                "Stripe-Signature": stripe_signature(body),
                "Content-Type": "application/json",
            },
        )
        assert answer.status_code == 200, answer.text
        expect(page.get_by_role("status")).to_contain_text(
            "Payment received. You are enrolled.", timeout=10_000
        )
        page.get_by_role("link", name="Go to the course").click()
        expect(page.get_by_text("You are enrolled.")).to_be_visible()
        assert Enrollment.objects.get(user=learner).status == EnrollmentStatus.ACTIVE

        # An admin refunds; the enrollment ends and the course offers itself again.
        admin = UserFactory(role=Role.ADMIN)
        user_role_privileges_sync(user=admin)
        order_refund(actor=admin, order_id=order.pk)
        assert Enrollment.objects.get(user=learner).status == (
            EnrollmentStatus.CANCELLED
        )
        page.reload()
        expect(page.get_by_role("button", name="Enroll for $99")).to_be_visible()
        assert len(fake_stripe.calls("/v1/refunds")) == 1
