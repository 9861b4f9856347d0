#!/usr/bin/env bash
# Make sure the services the test suite talks to are there and running:
# PostgreSQL and Redis (started if stopped, installed from Debian if missing). Only local URLs (127.0.0.1/localhost) are managed; remote ones are waited for.
# Also PostgreSQL's client tools (pg_dump/pg_restore of the server's major version),
# which manage.py backup/restore and the restore drill run.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}

url_host() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.hostname or "127.0.0.1")' "$1"; }
url_port() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.port or sys.argv[2])' "$1" "$2"; }
is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }
port_open() { python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex((sys.argv[1], int(sys.argv[2]))))' "$1" "$2"; }
wait_port() {
  for _ in $(seq 1 30); do port_open "$1" "$2" && return 0; sleep 1; done
  echo "services: nothing answers on $1:$2" >&2; return 1
}

# --- PostgreSQL ---
pg_host=$(url_host "$DATABASE_URL"); pg_port=$(url_port "$DATABASE_URL" 5432)
if ! port_open "$pg_host" "$pg_port" && is_local "$pg_host"; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    scripts/apt_install.sh postgresql
    fresh_pg=1
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "${fresh_pg:-0}" = 1 ]; then
    # A fresh Debian cluster asks for passwords over TCP; the test user is trusted
    # on loopback only, as on the CI machines.
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  fi
  echo "services: starting PostgreSQL $ver" >&2
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi
wait_port "$pg_host" "$pg_port"

# --- Redis ---
redis_host=$(url_host "$REDIS_URL"); redis_port=$(url_port "$REDIS_URL" 6379)
if ! port_open "$redis_host" "$redis_port" && is_local "$redis_host"; then
  command -v redis-server >/dev/null 2>&1 || scripts/apt_install.sh redis-server
  echo "services: starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no
fi
wait_port "$redis_host" "$redis_port"

# --- PostgreSQL client tools (backups, the restore drill) ---
# A local cluster has its own version's tools; otherwise Debian's client (for a
# newer remote server: postgresql-client-<major> from apt.postgresql.org, or
# BACKUP_PG_BIN_DIR).
for ver in $(ls /etc/postgresql 2>/dev/null); do
  [ -x "/usr/lib/postgresql/$ver/bin/pg_dump" ] || scripts/apt_install.sh "postgresql-client-$ver"
done
command -v pg_dump >/dev/null 2>&1 || scripts/apt_install.sh postgresql-client
