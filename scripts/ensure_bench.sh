#!/usr/bin/env bash
# What `make bench` needs beyond the portal's own requirements: Nginx with the
# secure_link module (Debian's nginx-light has it) and curl; locust comes with
# requirements-dev.txt (`make install`).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  scripts/apt_install.sh "${missing[@]}"
fi
if ! nginx -V 2>&1 | grep -q http_secure_link_module; then
  echo "bench: this nginx has no secure_link module (Debian's nginx-light has it)" >&2
  exit 1
fi
.venv/bin/locust --version >/dev/null
