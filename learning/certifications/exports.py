"""A learner's CE credits as CSV and PDF, the evidence a certification body asks
for: who, which course, when completed, how many hours, the certificate number and
where to verify it."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from portal.spreadsheets import spreadsheet_text

from .selectors import CreditRow

COLUMNS = [
    "learner",
    "email",
    "course",
    "body",
    "hours",
    "completed_at",
    "certificate_number",
    "verification_url",
]


def _verification(row: CreditRow) -> str:
    if not row.certificate_number:
        return ""
    base = settings.WAGTAILADMIN_BASE_URL
    return f"{base}/certificates/verify/{row.certificate_number}/"


def ce_credits_csv(*, user, rows: list[CreditRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_text(cell)
                for cell in (
                    user.get_full_name() or user.email,
                    user.email,
                    row.course_title,
                    row.body_label,
                    str(row.hours),
                    row.completed_at.date().isoformat(),
                    row.certificate_number,
                    _verification(row),
                )
            ]
        )
    return out.getvalue()


def ce_credits_pdf(*, user, rows: list[CreditRow]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("Continuing education credits")
    pdf.setAuthor(settings.CERTIFICATE_ISSUER)
    height = A4[1]
    y = height - 70
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(
        50, y, f"{settings.CERTIFICATE_ISSUER}: continuing education credits"
    )
    y -= 24
    pdf.setFont("Helvetica", 11)
    pdf.drawString(
        50, y, f"Learner: {user.get_full_name() or user.email} <{user.email}>"
    )
    y -= 30
    totals: dict[str, float] = {}
    for row in rows:
        if y < 80:
            pdf.showPage()
            y = height - 70
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(50, y, row.course_title[:80])
        y -= 14
        pdf.setFont("Helvetica", 10)
        pdf.drawString(
            60,
            y,
            f"{row.hours} {row.body_label} - completed {row.completed_at:%Y-%m-%d}"
            + (
                f" - certificate {row.certificate_number}"
                if row.certificate_number
                else ""
            ),
        )
        y -= 14
        if row.certificate_number:
            pdf.drawString(60, y, f"Verify: {_verification(row)}"[:110])
            y -= 14
        y -= 6
        totals[row.body_label] = totals.get(row.body_label, 0) + float(row.hours)
    y -= 10
    pdf.setFont("Helvetica-Bold", 11)
    for label, hours in sorted(totals.items()):
        pdf.drawString(50, y, f"Total {label}: {hours:g} hours")
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
