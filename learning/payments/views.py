"""Learner-facing pages of payments: start a checkout from the course page, the
pages the provider sends the buyer back to, and the receipt. Session-authenticated;
the same services and selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from content.models import CoursePage
from portal.errors import DomainError
from portal.web import domain_errors_as_http

from . import selectors, services
from .models import OrderStatus, Provider
from .receipts import order_receipt_pdf, receipt_number


@login_required
@require_POST
def checkout(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id, live=True)
    provider = request.POST.get("provider", Provider.STRIPE)
    try:
        order = services.order_checkout_start(
            actor=request.user, course_id=course.pk, provider=provider
        )
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(course.url)
    return HttpResponseRedirect(order.redirect_url)


def _order_page(request, order_id: int, template: str):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    course = order.course if order.course_id else None
    return render(
        request,
        template,
        {
            "order": order,
            "course": course,
            "paid": order.status == OrderStatus.PAID,
            "pending": order.status == OrderStatus.PENDING,
        },
    )


@login_required
@require_safe
@domain_errors_as_http
def order_success(request, order_id: int):
    """Where the provider sends the buyer after paying. The payment is confirmed by
    the provider's webhook, which may arrive a moment later: until then the page
    says so and reloads itself."""
    return _order_page(request, order_id, "payments/order_success.html")


@login_required
@require_safe
@domain_errors_as_http
def order_cancelled(request, order_id: int):
    return _order_page(request, order_id, "payments/order_cancelled.html")


@login_required
@require_safe
@domain_errors_as_http
def order_receipt(request, order_id: int):
    order = selectors.order_get_with_receipt(actor=request.user, order_id=order_id)
    response = HttpResponse(
        order_receipt_pdf(order=order), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{receipt_number(order)}.pdf"'
    )
    return response
