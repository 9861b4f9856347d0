"""GET /api/v1/orders, /orders/{id}, POST /orders/{id}/refund and the receipt:
the buyer sees their own orders, admins all and refund through Stripe."""

import io

import pytest
from pypdf import PdfReader

from learning.models import Enrollment, EnrollmentStatus
from learning.payments.models import Order, OrderStatus
from learning.payments.services import order_paid_record
from portal.notifications.models import Notification
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.portal.openapi import assert_response_matches, openapi_document

pytestmark = pytest.mark.django_db


def make_order(user, course, *, status=OrderStatus.PENDING, **fields):
    order = Order.objects.create(
        user=user,
        course=course,
        course_title=course.title,
        amount=course.price,
        currency="usd",
        provider="stripe",
        provider_session=f"cs_{user.pk}_{course.pk}_{Order.objects.count()}",
        redirect_url="https://checkout.stripe.test/c/pay/x",
        **fields,
    )
    if status == OrderStatus.PAID:
        order = order_paid_record(
            order_id=order.pk,
            provider_payment=f"pi_test_{order.pk}",
            amount_cents=order.amount_cents,
            currency="usd",
        )
    elif status != OrderStatus.PENDING:
        Order.objects.filter(pk=order.pk).update(status=status)
        order.refresh_from_db()
    return order


class TestOrderList:
    def test_a_learner_sees_only_their_own(self, api_client, paid_course, student):
        mine = make_order(student, paid_course)
        make_order(UserFactory(), paid_course)
        signed_in(api_client, student)

        response = api_client.get("/api/v1/orders")

        assert response.status_code == 200
        body = response.json()
        assert [o["id"] for o in body["data"]] == [mine.pk]
        assert body["meta"]["pagination"]["total"] == 1
        assert body["data"][0]["amount"] == "99.00"
        assert body["data"][0]["course"] == {
            "id": paid_course.pk,
            "title": "Incident Response",
        }
        assert_response_matches(response, "/api/v1/orders")

    def test_an_admin_sees_all_and_filters_by_status(
        self, api_client, paid_course, student, admin_user
    ):
        make_order(student, paid_course)
        paid = make_order(UserFactory(), paid_course, status=OrderStatus.PAID)
        signed_in(api_client, admin_user)

        assert (
            api_client.get("/api/v1/orders/").json()["meta"]["pagination"]["total"] == 2
        )
        response = api_client.get("/api/v1/orders", {"status": "paid"})
        assert [o["id"] for o in response.json()["data"]] == [paid.pk]
        assert response.json()["data"][0]["receipt_url"] == (
            f"/api/v1/orders/{paid.pk}/receipt"
        )

    @pytest.mark.parametrize("value", ["shipped", "PAID", "0"])
    def test_an_unknown_status_is_400(self, api_client, student, value):
        signed_in(api_client, student)
        response = api_client.get("/api/v1/orders", {"status": value})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "status"

    def test_pages(self, api_client, paid_course, make_course, student):
        for index in range(3):
            make_order(student, make_course(title=f"Course {index}", price="10"))
        signed_in(api_client, student)
        response = api_client.get("/api/v1/orders", {"per_page": 2, "page": 2})
        assert len(response.json()["data"]) == 1
        assert response.json()["meta"]["pagination"]["pages"] == 2
        assert api_client.get("/api/v1/orders", {"page": 9}).json()["data"] == []

    def test_anonymous_is_401(self, api_client):
        assert api_client.get("/api/v1/orders").status_code == 401

    def test_queries_do_not_grow_with_rows(
        self, api_client, make_course, admin_user, django_assert_max_num_queries
    ):
        course = make_course(title="Priced", price="20")
        signed_in(api_client, admin_user)
        make_order(UserFactory(), course)
        with django_assert_max_num_queries(12) as few:
            api_client.get("/api/v1/orders")
        for _ in range(6):
            make_order(UserFactory(), course)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = api_client.get("/api/v1/orders")
        assert len(response.json()["data"]) == 7


class TestOrderDetail:
    def test_the_buyer_and_admins_see_it(
        self, api_client, paid_course, student, admin_user
    ):
        order = make_order(student, paid_course)
        signed_in(api_client, student)
        response = api_client.get(f"/api/v1/orders/{order.pk}")
        assert response.status_code == 200
        assert response.json()["data"]["redirect_url"] == order.redirect_url
        assert_response_matches(response, "/api/v1/orders/{order_id}")
        signed_in(api_client, admin_user)
        assert api_client.get(f"/api/v1/orders/{order.pk}/").status_code == 200

    def test_another_learner_gets_404(self, api_client, paid_course, student):
        order = make_order(student, paid_course)
        signed_in(api_client, UserFactory())
        response = api_client.get(f"/api/v1/orders/{order.pk}")
        assert response.status_code == 404
        assert api_client.get("/api/v1/orders/99999999").status_code == 404


class TestRefund:
    def test_an_admin_refunds_through_stripe_and_the_enrollment_ends(
        self,
        api_client,
        fake_stripe,
        paid_course,
        student,
        admin_user,
        django_capture_on_commit_callbacks,
    ):
        order = make_order(student, paid_course, status=OrderStatus.PAID)
        assert Enrollment.objects.get(user=student).is_active
        signed_in(api_client, admin_user)

        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(f"/api/v1/orders/{order.pk}/refund")

        assert response.status_code == 200, response.content
        assert response.json()["data"]["status"] == "refunded"
        [(_, form, headers)] = fake_stripe.calls("/v1/refunds")
        assert form["payment_intent"] == f"pi_test_{order.pk}"
        assert headers["Idempotency-Key"] == f"refund-{order.reference}"
        order.refresh_from_db()
        assert order.status == OrderStatus.REFUNDED
        assert order.provider_refund.startswith("re_test_")
        enrollment = Enrollment.objects.get(user=student)
        assert enrollment.status == EnrollmentStatus.CANCELLED
        refund_note = Notification.objects.get(event="payments.order_refunded")
        assert refund_note.user == student
        assert refund_note.sent_at is not None

    def test_refunding_again_is_409_and_calls_stripe_once(
        self, api_client, fake_stripe, paid_course, student, admin_user
    ):
        order = make_order(student, paid_course, status=OrderStatus.PAID)
        signed_in(api_client, admin_user)
        api_client.post(f"/api/v1/orders/{order.pk}/refund")
        again = api_client.post(f"/api/v1/orders/{order.pk}/refund/")
        assert again.status_code == 409
        assert again.json()["errors"][0]["code"] == "ORDER_NOT_REFUNDABLE"
        assert len(fake_stripe.calls("/v1/refunds")) == 1

    def test_a_pending_order_is_not_refundable(
        self, api_client, fake_stripe, paid_course, student, admin_user
    ):
        order = make_order(student, paid_course)
        signed_in(api_client, admin_user)
        response = api_client.post(f"/api/v1/orders/{order.pk}/refund")
        assert response.status_code == 409
        assert not fake_stripe.requests

    def test_the_buyer_gets_403_and_others_404(
        self, api_client, fake_stripe, paid_course, student
    ):
        order = make_order(student, paid_course, status=OrderStatus.PAID)
        signed_in(api_client, student)
        assert api_client.post(f"/api/v1/orders/{order.pk}/refund").status_code == 403
        signed_in(api_client, UserFactory())
        assert api_client.post(f"/api/v1/orders/{order.pk}/refund").status_code == 404
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert not fake_stripe.requests

    def test_stripe_down_is_503_and_the_order_stays_paid(
        self, api_client, httpserver, fake_stripe, paid_course, student, admin_user
    ):
        order = make_order(student, paid_course, status=OrderStatus.PAID)
        httpserver.clear_all_handlers()
        httpserver.expect_request("/v1/refunds").respond_with_json(
            {"error": {"type": "api_error"}}, status=503
        )
        signed_in(api_client, admin_user)
        response = api_client.post(f"/api/v1/orders/{order.pk}/refund")
        assert response.status_code == 503
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert Enrollment.objects.get(user=student).is_active


class TestReceipt:
    def test_a_paid_order_has_a_pdf_receipt(self, api_client, paid_course, student):
        order = make_order(student, paid_course, status=OrderStatus.PAID)
        signed_in(api_client, student)
        response = api_client.get(f"/api/v1/orders/{order.pk}/receipt")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "Incident Response" in text
        assert "99.00 USD" in text
        assert f"pi_test_{order.pk}" in text

    def test_no_receipt_before_payment_nor_for_others(
        self, api_client, paid_course, student
    ):
        pending = make_order(student, paid_course)
        paid = make_order(UserFactory(), paid_course, status=OrderStatus.PAID)
        signed_in(api_client, student)
        assert api_client.get(f"/api/v1/orders/{pending.pk}/receipt").status_code == 404
        assert api_client.get(f"/api/v1/orders/{paid.pk}/receipt").status_code == 404


class TestSchema:
    def test_every_payments_path_is_documented(self):
        paths = openapi_document()["paths"]
        for path, method in [
            ("/api/v1/courses/{course_id}/checkout", "post"),
            ("/api/v1/orders", "get"),
            ("/api/v1/orders/{order_id}", "get"),
            ("/api/v1/orders/{order_id}/refund", "post"),
            ("/api/v1/orders/{order_id}/receipt", "get"),
            ("/api/v1/webhooks/stripe", "post"),
        ]:
            assert method in paths[path], path
        checkout = paths["/api/v1/courses/{course_id}/checkout"]["post"]
        assert "201" in checkout["responses"]
