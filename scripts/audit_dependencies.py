"""Check requirements.txt against PyPI's vulnerability data with pip-audit (``make
audit``), and say plainly when that data could not be reached.

pip-audit alone reports "No known vulnerabilities found" and exits 0 even when it
could not look a single package up (no network, or an index mirror without PyPI's
JSON API): each one is only "skipped". Here a skipped package is never counted as
clean. Exit status: 1 for a known vulnerability; for packages that could not be
checked, 0 with a warning, or 1 when AUDIT_STRICT=1 (CI with network access).
"""

import json
import os
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        command = [
            str(Path(sys.executable).parent / "pip-audit"),
            "-r",
            "requirements.txt",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report_path),
        ]
        result = subprocess.run(command, capture_output=True, text=True)  # nosec B603
        if not report_path.exists():
            sys.stderr.write(result.stderr)
            return _unchecked("pip-audit did not produce a report", everything=True)
        dependencies = json.loads(report_path.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            sys.stdout.write(
                f"{dependency['name']} {dependency['version']}: {vuln['id']} "
                f"(fixed in {fixes})\n"
            )
    if vulnerable:
        return 1
    checked = len(dependencies) - len(skipped)
    if checked:
        sys.stdout.write(
            f"pip-audit: {checked} package(s) checked, no known vulnerabilities.\n"
        )
    if skipped:
        return _unchecked(
            f"{len(skipped)} of {len(dependencies)} package(s) could not be looked "
            f"up ({skipped[0]['skip_reason']})",
            everything=not checked,
        )
    return 0


def _unchecked(reason: str, *, everything: bool) -> int:
    scope = "The dependency audit DID NOT RUN" if everything else "Partly audited"
    sys.stderr.write(
        f"WARNING: {scope}: {reason}. PyPI's vulnerability data is probably "
        "unreachable from here; run `make audit` where https://pypi.org is "
        "reachable.\n"
    )
    return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
