"""This app's answers to the personal-data extension points (``portal.hooks``):
a person's orders. Erasure keeps them, as tax law requires (bookkeeping records,
e.g. 26 U.S.C. § 6001, HGB § 257: up to ten years): course, amount, currency,
dates, status and the payment provider's references. An order holds no name or
address; its buyer is the anonymized account."""

from __future__ import annotations

from portal.hooks import Erasure, personal_data_covers

from .models import Order

RELATIONS = ("payments.Order.user",)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "payments.orders": list(
            Order.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values(
                "reference",
                "course_title",
                "amount",
                "currency",
                "provider",
                "status",
                "created_at",
                "paid_at",
                "refunded_at",
                "failed_at",
            )
        )
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    orders = Order.objects.filter(user=user)
    rows = orders.count()
    # The checkout link is the provider's page for this buyer: no longer needed.
    orders.exclude(redirect_url="").update(redirect_url="")
    return [
        Erasure(
            "payments.Order",
            Erasure.KEPT,
            rows,
            "Orders are bookkeeping records tax law requires to keep (up to ten "
            "years): course, amount, currency, dates, status and the provider's "
            "payment references stay; they hold no name or address, and the buyer "
            "is the anonymized account.",
        )
    ]
