#!/usr/bin/env bash
# What `make bench` needs beyond the portal's own requirements: Nginx with the
# secure_link module (Debian's nginx-light has it) and curl; locust comes with
# requirements-dev.txt (`make install`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure_nginx.sh
command -v curl >/dev/null 2>&1 || scripts/apt_install.sh curl
.venv/bin/locust --version >/dev/null
