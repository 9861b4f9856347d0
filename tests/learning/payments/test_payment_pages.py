"""The learner's side of buying: the course page's buy button (or the note that
payments are off), the checkout form, the pages Stripe sends the buyer back to, the
receipt, and the Django admin's refund action."""

import pytest

from learning.payments.models import Order, OrderStatus
from learning.payments.services import order_paid_record
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def pending_order(user, course):
    return Order.objects.create(
        user=user,
        course=course,
        course_title=course.title,
        amount=course.price,
        currency="usd",
        provider="stripe",
        provider_session=f"cs_{user.pk}",
        redirect_url="https://checkout.stripe.test/c/pay/cs",
    )


class TestCoursePage:
    def test_without_keys_a_paid_course_says_payments_are_not_configured(
        self, client, stripe_off, paid_course, student
    ):
        client.force_login(student)
        page = html(client.get(paid_course.url))
        assert "payments are not configured" in page
        assert "/checkout/" not in page

    def test_with_stripe_the_buy_button_posts_to_checkout(
        self, client, fake_stripe, paid_course, student
    ):
        client.force_login(student)
        page = html(client.get(paid_course.url))
        assert f"/learn/courses/{paid_course.pk}/checkout/" in page
        assert "Enroll for $99" in page
        assert "not configured" not in page

    def test_a_free_course_keeps_its_enroll_button(
        self, client, fake_stripe, course, student
    ):
        client.force_login(student)
        page = html(client.get(course.url))
        assert "Enroll for free" in page
        assert "/checkout/" not in page


class TestCheckoutForm:
    def test_sends_the_buyer_to_stripe(self, client, fake_stripe, paid_course, student):
        client.force_login(student)
        response = client.post(
            f"/learn/courses/{paid_course.pk}/checkout/", {"provider": "stripe"}
        )
        assert response.status_code == 302
        order = Order.objects.get(user=student)
        assert response["Location"] == order.redirect_url

    def test_a_refusal_returns_to_the_course_with_a_message(
        self, client, stripe_off, paid_course, student
    ):
        client.force_login(student)
        response = client.post(
            f"/learn/courses/{paid_course.pk}/checkout/", follow=True
        )
        assert "Payments are not configured." in html(response)
        assert not Order.objects.exists()

    def test_anonymous_is_sent_to_sign_in(self, client, fake_stripe, paid_course):
        response = client.post(f"/learn/courses/{paid_course.pk}/checkout/")
        assert response["Location"].startswith("/accounts/login/")

    def test_only_post(self, client, fake_stripe, paid_course, student):
        client.force_login(student)
        assert (
            client.get(f"/learn/courses/{paid_course.pk}/checkout/").status_code == 405
        )


class TestReturnPages:
    def test_success_waits_for_the_webhook_then_says_enrolled(
        self, client, paid_course, student
    ):
        order = pending_order(student, paid_course)
        client.force_login(student)
        page = html(client.get(f"/learn/orders/{order.pk}/success/?session_id=cs_x"))
        assert "confirming your payment" in page
        assert 'http-equiv="refresh"' in page

        order_paid_record(
            order_id=order.pk,
            provider_payment="pi_1",
            amount_cents=9900,
            currency="usd",
        )
        page = html(client.get(f"/learn/orders/{order.pk}/success/"))
        assert "You are enrolled" in page
        assert f"/learn/orders/{order.pk}/receipt/" in page
        assert 'http-equiv="refresh"' not in page

    def test_cancelled_says_nothing_was_charged(self, client, paid_course, student):
        order = pending_order(student, paid_course)
        client.force_login(student)
        page = html(client.get(f"/learn/orders/{order.pk}/cancelled/"))
        assert "Nothing was charged" in page

    def test_another_persons_order_pages_are_404(self, client, paid_course, student):
        order = pending_order(student, paid_course)
        client.force_login(UserFactory())
        for suffix in ("success", "cancelled", "receipt"):
            assert client.get(f"/learn/orders/{order.pk}/{suffix}/").status_code == 404

    def test_receipt_page_is_a_pdf_once_paid(self, client, paid_course, student):
        order = pending_order(student, paid_course)
        client.force_login(student)
        assert client.get(f"/learn/orders/{order.pk}/receipt/").status_code == 404
        order_paid_record(
            order_id=order.pk,
            provider_payment="pi_1",
            amount_cents=9900,
            currency="usd",
        )
        response = client.get(f"/learn/orders/{order.pk}/receipt/")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


class TestDjangoAdmin:
    def test_admin_lists_filters_and_refunds(
        self, client, fake_stripe, paid_course, student, admin_user
    ):
        order = pending_order(student, paid_course)
        order_paid_record(
            order_id=order.pk,
            provider_payment="pi_1",
            amount_cents=9900,
            currency="usd",
        )
        client.force_login(admin_user)
        listing = client.get("/django-admin/payments/order/?status__exact=paid")
        assert listing.status_code == 200
        assert "Incident Response" in html(listing)

        response = client.post(
            "/django-admin/payments/order/",
            {"action": "refund", "_selected_action": [order.pk]},
            follow=True,
        )

        assert response.status_code == 200
        assert "1 order(s) refunded" in html(response)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
        assert len(fake_stripe.calls("/v1/refunds")) == 1

    def test_learners_cannot_see_orders_in_the_admin(self, client, student):
        client.force_login(student)
        response = client.get("/django-admin/payments/order/")
        assert response.status_code in (302, 403)
