"""Starting a checkout: an order at the server's price, then the provider's
checkout page to send the buyer to."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from content.models import CoursePage
from integrations.http import OutsideCallRejected
from integrations.paypal.client import PayPalClient, paypal_configured
from integrations.resilience import CircuitOpenError, TransientError
from integrations.stripe.client import StripeGateway, stripe_configured
from learning.models import EnrollmentSource
from learning.services import enrollment_refusal_check
from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput, NotFound

from ..models import Order, OrderStatus, Provider
from .errors import PaymentsNotConfigured, ProviderRejected, ProviderUnavailable
from .orders import order_failed_record

logger = logging.getLogger(__name__)

# A pending order is handed out again only while its checkout page stays open a
# little longer than a buyer needs to finish.
REUSE_MARGIN = timedelta(minutes=5)
# An order still without a provider checkout after this was left by a request that
# died between creating it and calling the provider.
STALLED_AFTER = timedelta(minutes=2)


def provider_configured(*, provider: str) -> bool:
    """Whether ``provider``'s keys are set (the integration is on)."""
    if provider == Provider.STRIPE:
        return stripe_configured()
    if provider == Provider.PAYPAL:
        return paypal_configured()
    return False


def providers_configured() -> list[str]:
    """The providers a buyer may choose now, in the order the page offers them."""
    return [p for p in Provider.values if provider_configured(provider=p)]


def _site_url(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def order_checkout_start(*, actor: User, course_id: int, provider: str) -> Order:
    """An order for ``actor`` to buy the course, with the provider's checkout page
    in ``redirect_url``.

    The price and currency are the server's. A learner who starts the same checkout
    again while the first is open gets the same order back (idempotent). Errors:
    ``NotFound`` (no live course), 409 ``COURSE_IS_FREE``, the 409s of enrollment
    (``ALREADY_ENROLLED``, ``PREREQUISITES_NOT_MET``, ``COURSE_FULL``), 409
    ``CHECKOUT_IN_PROGRESS`` (the same checkout is being created by another
    request), 503 ``PAYMENTS_NOT_CONFIGURED`` and 503 ``PAYMENT_PROVIDER_UNAVAILABLE``
    (the provider timed out or failed: no order is left behind).

    The provider is called outside any transaction, as every outside call is.
    """
    if provider not in Provider.values:
        raise InvalidInput("Unknown payment provider.", field="provider")
    course = CoursePage.objects.filter(
        pk=course_id, live=True, archived_at__isnull=True
    ).first()
    if course is None:
        raise NotFound("Course not found.")
    if course.price <= 0:
        raise Conflict(
            "This course is free: enroll without paying.", code="COURSE_IS_FREE"
        )
    enrollment_refusal_check(
        user=actor, course_id=course.pk, source=EnrollmentSource.PAYMENT
    )
    if not provider_configured(provider=provider):
        raise PaymentsNotConfigured("Payments are not configured.", field="provider")

    order = _pending_order(actor=actor, course=course, provider=provider)
    if order.redirect_url:
        return order
    try:
        _provider_checkout(order=order, course=course)
    except BaseException:
        # No half-made order: the buyer was sent nowhere and nothing was charged.
        Order.objects.filter(pk=order.pk, redirect_url="").delete()
        raise
    audit_log_record(
        action="order.created",
        user=actor,
        resource_type="order",
        resource_id=order.pk,
        details={
            "course_id": course.pk,
            "amount": str(order.amount),
            "currency": order.currency,
            "provider": provider,
        },
    )
    return order


def _pending_order(*, actor: User, course: CoursePage, provider: str) -> Order:
    """The buyer's open order for this course and provider, or a new one (without a
    provider checkout yet)."""
    now = timezone.now()
    existing = Order.objects.filter(
        user=actor, course=course, provider=provider, status=OrderStatus.PENDING
    ).first()
    if existing is not None:
        open_long_enough = (
            existing.expires_at is not None and existing.expires_at > now + REUSE_MARGIN
        )
        if existing.redirect_url and open_long_enough:
            return existing
        if existing.redirect_url:
            order_failed_record(order_id=existing.pk, reason="Checkout expired.")
        elif existing.created_at < now - STALLED_AFTER:
            # The request that made it died before reaching the provider.
            order_failed_record(order_id=existing.pk, reason="Checkout never started.")
        else:
            raise Conflict(
                "A checkout for this course is being prepared; try again in a moment.",
                code="CHECKOUT_IN_PROGRESS",
            )
    try:
        with transaction.atomic():
            return Order.objects.create(
                user=actor,
                course=course,
                course_title=course.title,
                amount=course.price,
                currency=settings.PAYMENTS_CURRENCY,
                provider=provider,
                expires_at=now
                + timedelta(minutes=max(30, settings.PAYMENTS_CHECKOUT_MINUTES)),
            )
    except IntegrityError:
        raise Conflict(
            "A checkout for this course is being prepared; try again in a moment.",
            code="CHECKOUT_IN_PROGRESS",
        ) from None


def _provider_checkout(*, order: Order, course: CoursePage) -> None:
    success = reverse("order-success", args=[order.pk])
    cancel = reverse("order-cancelled", args=[order.pk])
    try:
        if order.provider == Provider.STRIPE:
            session = StripeGateway().checkout_session_create(
                reference=str(order.reference),
                title=order.course_title,
                amount_cents=order.amount_cents,
                currency=order.currency,
                customer_email=order.user.email,
                success_url=_site_url(success) + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=_site_url(cancel),
                expires_at=int(order.expires_at.timestamp()),
            )
            session_id, url = session.id, session.url
        else:
            with PayPalClient() as paypal:
                paypal_order = paypal.order_create(
                    reference=str(order.reference),
                    title=order.course_title,
                    amount=f"{order.amount:.2f}",
                    currency=order.currency,
                    return_url=_site_url(success),
                    cancel_url=_site_url(cancel),
                )
            session_id, url = paypal_order.id, paypal_order.approve_url
    except (TransientError, CircuitOpenError) as error:
        logger.warning(
            "checkout provider unavailable",
            extra={
                "order_id": order.pk,
                "provider": order.provider,
                "error": str(error),
            },
        )
        raise ProviderUnavailable(
            "The payment provider is not answering. Nothing was charged; please try "
            "again in a few minutes."
        ) from error
    except OutsideCallRejected as error:
        logger.error(
            "checkout refused by provider",
            extra={
                "order_id": order.pk,
                "provider": order.provider,
                "error": str(error),
            },
        )
        raise ProviderRejected(
            "The payment provider refused the checkout. Nothing was charged."
        ) from error
    if not url:
        raise ProviderRejected("The payment provider sent no checkout page.")
    Order.objects.filter(pk=order.pk).update(
        provider_session=session_id, redirect_url=url
    )
    order.provider_session, order.redirect_url = session_id, url
