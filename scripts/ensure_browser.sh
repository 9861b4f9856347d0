#!/usr/bin/env bash
# Make sure the browser the Playwright tests drive is there: Debian's chromium at
# /usr/bin/chromium (Playwright's own downloads need internet access we do not have).
# Idempotent and quiet: does nothing when the binary is already installed.
set -euo pipefail
# apt-get on a slim image warns that apt-utils is missing; nothing to act on.
export DEBCONF_NOWARNINGS=yes
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium

[ -x "$CHROMIUM" ] && exit 0
scripts/apt_install.sh chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "browser: $CHROMIUM is still missing after installing chromium" >&2
  exit 1
fi
