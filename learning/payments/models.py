"""Orders (one purchase of one course at the server's price) and the providers'
webhook events, each applied once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")


class Provider(models.TextChoices):
    STRIPE = "stripe", _("Stripe")
    PAYPAL = "paypal", _("PayPal")


class Order(models.Model):
    """One purchase of one course by one learner, at the price and currency the
    server had when checkout began (the title is frozen too, for the receipt).

    ``reference`` is ours (sent to the provider as the idempotency key and in the
    payment's metadata); ``provider_session`` is the provider's checkout (Stripe
    Checkout Session id, PayPal order id) and ``provider_payment`` the payment a
    refund goes through (Stripe PaymentIntent, PayPal capture). At most one order
    per learner, course and provider is pending at a time: a second checkout
    returns it."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    course = models.ForeignKey(
        "content.CoursePage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    course_title = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    provider = models.CharField(max_length=10, choices=Provider.choices)
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    provider_session = models.CharField(max_length=255, blank=True)
    provider_payment = models.CharField(max_length=255, blank=True)
    provider_refund = models.CharField(max_length=255, blank=True)
    redirect_url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Why a paid order did not enroll (course full, archived …): an admin refunds.
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "provider"],
                condition=Q(status="pending"),
                name="payments_one_pending_order",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_session"],
                condition=~Q(provider_session=""),
                name="payments_unique_provider_session",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values),
                name="payments_order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payments_order_amount_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.course_title}, {self.status})"

    @property
    def amount_cents(self) -> int:
        return int(self.amount * 100)


class PaymentEvent(models.Model):
    """A provider's webhook event, recorded once by its own id: a second delivery
    of the same event finds this row and changes nothing."""

    provider = models.CharField(max_length=10, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
