"""The embedded default of ``make run`` (SQLite, no Redis, eager tasks): the rest of
the suite runs on PostgreSQL, so a lookup SQLite lacks would only show up for a new
user. ``scripts/smoke_embedded.py`` seeds the demo on a throwaway SQLite database and
drives the main flows; any 5xx or unexpected status fails it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_main_flows_work_on_the_embedded_default():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "smoke_embedded.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    assert "requests answered as expected" in result.stdout, tail
