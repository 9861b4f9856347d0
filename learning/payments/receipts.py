"""The receipt of an order as a PDF (reportlab), rendered on request from the
order's frozen title, price and dates."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Order, OrderStatus

FONT = "ReceiptSans"
FONT_BOLD = "ReceiptSans-Bold"


def _fonts() -> tuple[str, str]:
    """DejaVu (any Latin, Greek or Cyrillic name renders) when installed, else the
    PDF's built-in Helvetica."""
    regular = Path(settings.CERTIFICATE_FONT)
    bold = Path(settings.CERTIFICATE_FONT_BOLD)
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(regular)))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    return FONT, FONT_BOLD


def receipt_number(order: Order) -> str:
    return f"{settings.CERTIFICATE_NUMBER_PREFIX}-R-{order.pk:08d}"


def order_receipt_pdf(*, order: Order) -> bytes:
    """An A4 receipt: issuer, buyer, course, amount, provider and payment ids, and
    the refund when there was one. Only for paid or refunded orders."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    height = A4[1]
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Receipt {receipt_number(order)}")
    pdf.setAuthor(settings.CERTIFICATE_ISSUER)
    left, y = 60, height - 80
    pdf.setFont(bold, 20)
    pdf.drawString(left, y, settings.CERTIFICATE_ISSUER)
    y -= 30
    pdf.setFont(bold, 14)
    pdf.drawString(left, y, "Receipt")
    y -= 40
    tz = timezone.get_current_timezone()
    rows = [
        ("Receipt number", receipt_number(order)),
        ("Order", f"{order.pk} ({order.reference})"),
        ("Billed to", f"{order.user.get_full_name() or order.user.email}"),
        ("E-mail", order.user.email),
        ("Course", order.course_title),
        ("Amount", f"{order.amount} {order.currency.upper()}"),
        ("Paid with", order.get_provider_display()),
        (
            "Paid on",
            f"{order.paid_at.astimezone(tz):%Y-%m-%d %H:%M %Z}"
            if order.paid_at
            else "-",
        ),
        ("Payment id", order.provider_payment or "-"),
        ("Status", order.get_status_display()),
    ]
    if order.status == OrderStatus.REFUNDED and order.refunded_at:
        rows.append(
            ("Refunded on", f"{order.refunded_at.astimezone(tz):%Y-%m-%d %H:%M %Z}")
        )
        rows.append(("Refund id", order.provider_refund or "-"))
    for label, value in rows:
        pdf.setFont(bold, 11)
        pdf.drawString(left, y, label)
        pdf.setFont(regular, 11)
        pdf.drawString(left + 140, y, str(value)[:90])
        y -= 20
    y -= 20
    pdf.setFont(regular, 9)
    pdf.drawString(
        left,
        y,
        f"{settings.WAGTAILADMIN_BASE_URL} - this receipt was issued electronically.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
