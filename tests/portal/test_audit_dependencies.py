"""`make audit`'s dependency check never reports "clean" for packages it could not
look up (pip-audit alone does, offline)."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run_with(dependencies):
        def fake_run(command, **kwargs):
            output = Path(command[command.index("--output") + 1])
            output.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
            return subprocess.CompletedProcess(command, 0, "", "")

        monkeypatch.setattr(module.subprocess, "run", fake_run)
        return module.main()

    return run_with


CLEAN = {"name": "django", "version": "5.2", "vulns": []}
SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI"}
VULNERABLE = {
    "name": "django",
    "version": "5.2",
    "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
}


def test_a_known_vulnerability_fails(audit, capsys):
    assert audit([VULNERABLE]) == 1
    assert "django 5.2: PYSEC-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_all_checked_and_clean_passes(audit, capsys):
    assert audit([CLEAN]) == 0
    assert "1 package(s) checked" in capsys.readouterr().out


def test_unreachable_data_warns_and_is_not_called_clean(audit, capsys, monkeypatch):
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    assert audit([SKIPPED]) == 0
    captured = capsys.readouterr()
    assert "no known vulnerabilities" not in captured.out
    assert "The dependency audit DID NOT RUN" in captured.err


def test_unreachable_data_fails_when_strict(audit, monkeypatch):
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert audit([CLEAN, SKIPPED]) == 1
