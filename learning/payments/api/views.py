"""Payments API (API.md Part 2, "Payments"): checkout, orders, refunds, receipts
and the providers' webhooks. Thin views over the services and selectors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.paypal.client import paypal_configured
from integrations.paypal.webhooks import event_verify as paypal_event_verify
from integrations.signing import WebhookSignatureError
from integrations.stripe.client import stripe_configured
from integrations.stripe.webhooks import event_verify as stripe_event_verify
from portal.api.pagination import PagePagination
from portal.errors import InvalidInput

from .. import selectors, services
from ..models import OrderStatus, Provider
from ..receipts import order_receipt_pdf, receipt_number

TAGS = ["payments"]


class CheckoutInput(serializers.Serializer):
    provider = serializers.ChoiceField(
        choices=Provider.choices,
        required=False,
        default=Provider.STRIPE,
        help_text="Where to pay; Stripe when not sent.",
    )


class CheckoutOutput(serializers.Serializer):
    order_id = serializers.IntegerField(source="pk")
    redirect_url = serializers.URLField(
        help_text="The provider's checkout page to send the buyer to."
    )
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    expires_at = serializers.DateTimeField(allow_null=True)


class OrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.UUIDField()
    user_id = serializers.IntegerField()
    course = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)
    failed_at = serializers.DateTimeField(allow_null=True)
    redirect_url = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()
    note = serializers.CharField(help_text="Why a paid order did not enroll, if so.")

    def get_course(self, order) -> dict:
        return {"id": order.course_id, "title": order.course_title}

    def get_redirect_url(self, order) -> str | None:
        """The checkout page, while the order waits for payment."""
        if order.status == OrderStatus.PENDING and order.redirect_url:
            return order.redirect_url
        return None

    def get_receipt_url(self, order) -> str | None:
        if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
            return f"/api/v1/orders/{order.pk}/receipt"
        return None


class OrderListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)


class WebhookOutput(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(
        help_text="The event was applied before; nothing changed."
    )


class CheckoutView(APIView):
    @extend_schema(
        request=CheckoutInput,
        responses={201: CheckoutOutput},
        tags=TAGS,
        description=(
            "Start buying a paid course at the server's price. Starting again while "
            "the checkout is open returns the same order. 409 for a free course "
            "(`COURSE_IS_FREE`) or an enrollment refusal (`ALREADY_ENROLLED`, "
            "`PREREQUISITES_NOT_MET`, `COURSE_FULL`); 503 `PAYMENTS_NOT_CONFIGURED` "
            "or `PAYMENT_PROVIDER_UNAVAILABLE` (nothing charged, no order kept)."
        ),
    )
    def post(self, request, course_id, *args, **kwargs):
        data = CheckoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_checkout_start(
            actor=request.user,
            course_id=int(course_id),
            provider=data.validated_data["provider"],
        )
        return Response(CheckoutOutput(order).data, status=status.HTTP_201_CREATED)


class OrderListView(APIView):
    @extend_schema(
        parameters=[OrderListQuery],
        responses={200: OrderOutput(many=True)},
        tags=TAGS,
        description="The caller's orders; admins see every order.",
    )
    def get(self, request, *args, **kwargs):
        query = OrderListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        orders = selectors.order_list(
            actor=request.user, status=query.validated_data.get("status")
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(orders, request, self)
        return paginator.get_paginated_response(OrderOutput(page, many=True).data)


class OrderDetailView(APIView):
    @extend_schema(responses={200: OrderOutput}, tags=TAGS)
    def get(self, request, order_id, *args, **kwargs):
        order = selectors.order_get(actor=request.user, order_id=int(order_id))
        return Response(OrderOutput(order).data)


class OrderRefundView(APIView):
    @extend_schema(
        request=None,
        responses={200: OrderOutput},
        tags=TAGS,
        description=(
            "Admins: refund the whole payment through the provider; the enrollment "
            "is cancelled and the learner told. 409 `ORDER_NOT_REFUNDABLE` unless "
            "paid; 503 when the provider is not answering (the order stays paid)."
        ),
    )
    def post(self, request, order_id, *args, **kwargs):
        order = services.order_refund(actor=request.user, order_id=int(order_id))
        return Response(OrderOutput(order).data)


class OrderReceiptView(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The receipt PDF.")
        },
        tags=TAGS,
    )
    def get(self, request, order_id, *args, **kwargs):
        order = selectors.order_get_with_receipt(
            actor=request.user, order_id=int(order_id)
        )
        response = HttpResponse(
            order_receipt_pdf(order=order), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="receipt-{receipt_number(order)}.pdf"'
        )
        return response


class RawBodyParser(BaseParser):
    """Webhooks are verified over the exact bytes received, so the view reads
    ``request.body`` itself; this parser only lets any content type in."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class ProviderWebhookView(APIView):
    """A payment provider's events: verified over the exact bytes received (400
    ``VALIDATION_ERROR`` naming the signature header, nothing changed, when they do
    not verify or the provider is not configured), then applied once
    (``duplicate: true`` for an event seen before). Subclasses say how to verify
    and apply."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [RawBodyParser]
    throttle_classes: list = []
    signature_field = ""
    refusal = ""

    def verify(self, request):
        raise NotImplementedError

    def apply(self, event):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            event = self.verify(request)
        except WebhookSignatureError:
            raise InvalidInput(self.refusal, field=self.signature_field) from None
        record = self.apply(event)
        return Response({"received": True, "duplicate": record is None})


@extend_schema_view(
    post=extend_schema(
        request={"application/json": {"type": "object"}},
        responses={200: WebhookOutput},
        tags=TAGS,
        description=(
            "Stripe's events, verified by `Stripe-Signature` (HMAC-SHA256, 5-minute "
            "tolerance). A bad or missing signature, or an event naming no order "
            "of this site, is 400 and changes nothing; an event delivered again "
            "answers 200 with `duplicate: true` and changes nothing."
        ),
    )
)
class StripeWebhookView(ProviderWebhookView):
    signature_field = "Stripe-Signature"
    refusal = "The Stripe-Signature header does not verify this body."

    def verify(self, request):
        if not stripe_configured():
            # Nothing can verify the event: it is refused like a forged one.
            raise WebhookSignatureError("Stripe is not configured")
        return stripe_event_verify(
            body=request._request.body,
            signature=request.headers.get("Stripe-Signature"),
            secret=settings.STRIPE["WEBHOOK_SECRET"],
        )

    def apply(self, event):
        return services.stripe_event_apply(event=event)


@extend_schema_view(
    post=extend_schema(
        request={"application/json": {"type": "object"}},
        responses={200: WebhookOutput},
        tags=TAGS,
        description=(
            "PayPal's events, verified as PayPal documents: the certificate named "
            "by `PAYPAL-CERT-URL` (PayPal's hosts only, chained to a trusted root) "
            "and a SHA256withRSA signature of transmission id, time, webhook id and "
            "the body's CRC32; 5-minute tolerance. Anything else is 400 and changes "
            "nothing; an event delivered again answers `duplicate: true`."
        ),
    )
)
class PayPalWebhookView(ProviderWebhookView):
    signature_field = "PAYPAL-TRANSMISSION-SIG"
    refusal = "The PayPal transmission signature does not verify this body."

    def verify(self, request):
        if not paypal_configured():
            raise WebhookSignatureError("PayPal is not configured")
        return paypal_event_verify(
            body=request._request.body, headers=request.headers, config=settings.PAYPAL
        )

    def apply(self, event):
        return services.paypal_event_apply(event=event)
