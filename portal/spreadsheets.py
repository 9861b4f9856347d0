"""Text for a cell of a CSV (or any spreadsheet) the portal hands out.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
some with a tab or carriage return) as a formula: a learner's name, a course title or
an answer typed as ``=HYPERLINK(...)`` would act in the reader's spreadsheet (CSV
injection, OWASP). Such text gets a leading apostrophe, which spreadsheets show as
text; a number (``-5``, ``+3.2``) stays a number. Every CSV export writes its cells
through ``spreadsheet_text``.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_text(value) -> str:
    """``value`` as cell text: ``""`` for ``None``, ISO 8601 for dates and times,
    formula-like text neutralised."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text
