#!/usr/bin/env bash
# Nginx with the secure_link module (Debian's nginx-light has it) and openssl,
# installed from Debian when missing: the suite checks docker/nginx.conf with
# `nginx -t` and plays signed video URLs through a real Nginx
# (tests/portal/test_nginx_conf.py, tests/content/test_video_signed_segments.py),
# and `make bench` serves through it. No Nginx service is started here.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  scripts/apt_install.sh "${missing[@]}"
fi
if ! nginx -V 2>&1 | grep -q http_secure_link_module; then
  echo "nginx: this nginx has no secure_link module (Debian's nginx-light has it)" >&2
  exit 1
fi
