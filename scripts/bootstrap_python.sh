#!/usr/bin/env bash
# Create the virtual environment, installing Debian's venv support if it is missing.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}

if ! command -v "$python" >/dev/null 2>&1; then
  echo "bootstrap: $python not found; installing Debian's python3" >&2
  scripts/apt_install.sh python3 python3-venv python3-dev
fi
"$python" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"bootstrap: Python 3.11+ is required, found {sys.version.split()[0]}")
PY
if [ ! -x "$venv/bin/python" ]; then
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    scripts/apt_install.sh "python${ver}-venv"
    "$python" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
fi
