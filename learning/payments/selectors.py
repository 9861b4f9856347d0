"""Reads of orders, scoped to what the acting user may see: the buyer their own,
admins every order."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import NotFound

from .models import Order, OrderStatus


def _visible_q(actor: User) -> Q:
    """The one filter for "orders this person may see"."""
    return Q() if is_admin(actor) else Q(user_id=actor.pk)


def order_list(*, actor: User, status: str | None = None) -> QuerySet[Order]:
    # The list shows the buyer's id only: no join of the users.
    orders = Order.objects.filter(_visible_q(actor))
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def order_get(*, actor: User, order_id: int) -> Order:
    """The order, for its buyer and admins; 404 for anyone else (another person's
    order is private)."""
    order = (
        Order.objects.filter(_visible_q(actor), pk=order_id)
        .select_related("user")
        .first()
    )
    if order is None:
        raise NotFound("Order not found.")
    return order


def order_get_with_receipt(*, actor: User, order_id: int) -> Order:
    """A visible order that has a receipt (it was paid); 404 otherwise."""
    order = order_get(actor=actor, order_id=order_id)
    if order.status not in (OrderStatus.PAID, OrderStatus.REFUNDED):
        raise NotFound("This order has no receipt: it was not paid.")
    return order
