"""Every CSV cell goes through one rule against formula injection."""

from datetime import UTC, date, datetime

import pytest

from portal.spreadsheets import spreadsheet_text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("Ada Lovelace", "Ada Lovelace"),
        (None, ""),
        (7, "7"),
        (date(2026, 12, 5), "2026-12-05"),
        (datetime(2026, 12, 5, 1, 2, tzinfo=UTC), "2026-12-05T01:02:00+00:00"),
    ],
)
def test_cells(value, cell):
    assert spreadsheet_text(value) == cell
