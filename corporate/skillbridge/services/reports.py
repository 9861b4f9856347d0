"""CSV and PDF renderings of a cohort's report (per quarter) and roster.

CSV cells that a spreadsheet would run as a formula are prefixed with ``'`` (OWASP
CSV injection)."""

from __future__ import annotations

import csv
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.spreadsheets import spreadsheet_text

from ..models import Cohort, Participant
from ..selectors import REPORT_FIELDS, ROSTER_FIELDS, ReportRow


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    return spreadsheet_text(value)


def _csv(header: tuple[str, ...], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _report_rows(rows: list[ReportRow]) -> list[list]:
    return [[getattr(row, name) for name in REPORT_FIELDS] for row in rows]


def _roster_rows(participants: list[Participant]) -> list[list]:
    return [
        [
            participant.pk if name == "id" else getattr(participant, name)
            for name in ROSTER_FIELDS
        ]
        for participant in participants
    ]


def report_csv(*, rows: list[ReportRow]) -> bytes:
    return _csv(REPORT_FIELDS, _report_rows(rows))


def roster_csv(*, participants: list[Participant]) -> bytes:
    return _csv(ROSTER_FIELDS, _roster_rows(participants))


def _pdf(title: str, subtitle: str, header: tuple[str, ...], rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        leftMargin=24,
        rightMargin=24,
        topMargin=24,
        bottomMargin=24,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=6.5, leading=8)
    head = small.clone("head", fontName="Helvetica-Bold")
    table = Table(
        [
            [Paragraph(name.replace("_", " "), head) for name in header],
            *[
                [Paragraph(_cell(v).lstrip("'") or "", small) for v in row]
                for row in rows
            ],
        ],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e8ee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    document.build(
        [
            Paragraph(title, styles["Title"]),
            Paragraph(subtitle, styles["BodyText"]),
            Spacer(1, 8),
            table,
        ]
    )
    return buffer.getvalue()


def report_pdf(*, cohort: Cohort, rows: list[ReportRow]) -> bytes:
    return _pdf(
        f"SkillBridge report: {cohort.name}",
        "Per quarter of program start. Placement rate = hires / completions. "
        "Sensitive: staff only.",
        REPORT_FIELDS,
        _report_rows(rows),
    )


def roster_pdf(*, cohort: Cohort, participants: list[Participant]) -> bytes:
    return _pdf(
        f"SkillBridge roster: {cohort.name}",
        "Sensitive personal data: staff only; do not forward.",
        ROSTER_FIELDS,
        _roster_rows(participants),
    )
