#!/usr/bin/env bash
# make bench: generate the data set, serve the portal the production way (gunicorn,
# a Celery worker, Nginx with secure_link) on local ports, run the load and print the
# tables. Everything it starts is stopped and its database dropped at the end.
#
# Knobs (environment): BENCH_SIZE (S, M, L; M), BENCH_USERS ("500 2500"),
# BENCH_DURATION (seconds per run measured, 60; BENCH_USERS=0 skips the
# API runs), BENCH_SPAWN_RATE (20/s), BENCH_SETTLE (seconds after the ramp before
# the figures count, 30: the sign-in storm's queue drains),
# BENCH_VIEWERS (500; 0 skips the video run),
# BENCH_VIEWER_LEARNERS (API users beside the viewers, 500), BENCH_PORT (8100),
# BENCH_DB (portal_bench), BENCH_PG (postgres://postgres@127.0.0.1:5432),
# BENCH_REDIS (redis://127.0.0.1:6379; databases 10, 11 and 12),
# GUNICORN_WORKERS / GUNICORN_THREADS (docker/gunicorn.conf.py's defaults),
# BENCH_REST (seconds to wait at most, 240, for the 1-minute load average to fall
# below 1.5 before each run), BENCH_KEEP=1 keeps the database and data
# afterwards, BENCH_REUSE=1 runs on them
# again without generating them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=${BENCH_SIZE:-M}
USERS=${BENCH_USERS:-"500 2500"}
DURATION=${BENCH_DURATION:-60}
export BENCH_SETTLE=${BENCH_SETTLE:-30}
VIEWERS=${BENCH_VIEWERS:-500}
VIEWER_LEARNERS=${BENCH_VIEWER_LEARNERS:-500}
PORT=${BENCH_PORT:-8100}
# New users per second: each signs in (Argon2, ~40 ms of CPU), so a faster ramp is a
# sign-in storm rather than the plan's steady load.
SPAWN=${BENCH_SPAWN_RATE:-20}
DB=${BENCH_DB:-portal_bench}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379}
RUN=$ROOT/var/bench
PY=$ROOT/.venv/bin/python

export DATABASE_URL=$PG/$DB
export REDIS_URL=$REDIS/10
export STATE_REDIS_URL=$REDIS/11
export CELERY_BROKER_URL=$REDIS/12
export CACHE_KEY_PREFIX=bench
export DJANGO_SETTINGS_MODULE=bench.settings
export SECRET_KEY=bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz
# Production refuses to start without a key for the encrypted fields: one per
# machine, kept in var/bench-field.key so that BENCH_KEEP=1 data stays readable.
if [ -z "${FIELD_ENCRYPTION_KEYS:-}" ]; then
  mkdir -p "$ROOT/var"
  [ -s "$ROOT/var/bench-field.key" ] || "$ROOT/.venv/bin/python" -c \
    "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" \
    > "$ROOT/var/bench-field.key"
  FIELD_ENCRYPTION_KEYS=$(cat "$ROOT/var/bench-field.key")
fi
export FIELD_ENCRYPTION_KEYS
export SITE_URL=http://127.0.0.1:$PORT
export ALLOWED_HOSTS=127.0.0.1,localhost
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
export SECURE_SSL_REDIRECT=false
export MEDIA_ROOT=$RUN/media
export STATIC_ROOT=$RUN/static
export MEDIA_ACCEL_REDIRECT=true
export HLS_SECURE_LINK_SECRET=bench-hls-$RANDOM$RANDOM
# gunicorn listens on a Unix socket: Nginx is its peer there (portal/proxies.py).
export TRUSTED_PROXIES=127.0.0.1,unix
# Every simulated learner signs in from 127.0.0.1: the per-address limits are meant
# for real clients, not for this one.
export THROTTLE_RATE_LOGIN_IP=1000000/hour
export THROTTLE_RATE_LOGIN_ACCOUNT=1000000/hour
export GUNICORN_BIND=unix:$RUN/gunicorn.sock
export GUNICORN_ACCESS_LOG=${GUNICORN_ACCESS_LOG:-}

pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null
  sleep 1
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    "$PY" - <<PY 2>/dev/null
import psycopg
with psycopg.connect("$PG/postgres", autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS "$DB" WITH (FORCE)')
PY
    for n in 10 11 12; do "$PY" -c "import redis; redis.Redis.from_url('$REDIS/$n').flushdb()" 2>/dev/null; done
    rm -rf "$RUN/media"
  fi
}
trap cleanup EXIT

echo "bench: preparing (size $SIZE)" >&2
DATABASE_URL=$PG/postgres REDIS_URL=$REDIS/10 scripts/ensure_services.sh
scripts/ensure_bench.sh
if [ "${BENCH_REUSE:-0}" = 1 ] && [ -s "$RUN/targets.json" ]; then
  echo "bench: reusing the data of the last BENCH_KEEP=1 run" >&2
  rm -f "$RUN"/locust/* "$RUN/loads.txt" "$RUN/locust.log" "$RUN/cpu.txt"
else
  rm -rf "$RUN"
  mkdir -p "$RUN"/{media,static,body,proxy,fastcgi,uwsgi,scgi,locust}
  "$PY" -c "import psycopg
c = psycopg.connect('$PG/postgres', autocommit=True)
c.execute('DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)')
c.execute('CREATE DATABASE \"$DB\"')"
  for n in 10 11 12; do "$PY" -c "import redis; redis.Redis.from_url('$REDIS/$n').flushdb()"; done

  started=$(date +%s)
  "$PY" manage.py migrate --noinput >/dev/null
  "$PY" manage.py collectstatic --noinput >/dev/null
  # The NICE Framework, so that the skills reads are measured on real data.
  "$PY" manage.py load_nice_framework >/dev/null
  "$PY" -m bench.datagen "$SIZE" >&2
  "$PY" -m bench.video "$RUN/targets.json" >&2
  test -s "$RUN/targets.json"
  echo "bench: data ready in $(( $(date +%s) - started )) s" >&2
fi
sed -e "s#@RUN@#$RUN#g" -e "s#@PORT@#$PORT#g" -e "s#@STATIC@#$STATIC_ROOT#g" \
    -e "s#@MEDIA@#$MEDIA_ROOT#g" -e "s#@HLS_SECRET@#$HLS_SECURE_LINK_SECRET#g" \
    bench/nginx.conf.template > "$RUN/nginx.conf"

"$ROOT/.venv/bin/gunicorn" portal.wsgi:application --config docker/gunicorn.conf.py \
  >"$RUN/gunicorn.log" 2>&1 &
pids+=($!)
GUNICORN_PID=$!
"$ROOT/.venv/bin/celery" -A portal worker -Q default,media,notifications,integrations --concurrency 1 \
  --loglevel WARNING >"$RUN/worker.log" 2>&1 &
pids+=($!)
nginx -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log"

for _ in $(seq 1 120); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/bench/bare/" && break
  sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/bench/bare/"

"$PY" - > "$RUN/meta.json" <<PY
import json, os, platform
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(json.dumps({
    "machine": f"{cpu}, {os.cpu_count()} cpus, {platform.system()} {platform.release()}",
    "size": "$SIZE",
    "gunicorn": "workers=${GUNICORN_WORKERS:-2 per core}, threads=${GUNICORN_THREADS:-4}",
    "load_before": ", ".join(f"{v:.2f}" for v in os.getloadavg()),
    "settle": "$BENCH_SETTLE",
}))
PY

echo "bench: CPU per request (in process)" >&2
"$PY" -m bench.cpu --requests 200 2>/dev/null | grep -v '^{' > "$RUN/cpu.txt" || true

export BENCH_TARGETS=$RUN/targets.json
locust() {
  "$ROOT/.venv/bin/locust" -f bench/locustfile.py --headless --only-summary \
    --host "http://127.0.0.1:$PORT" --stop-timeout 5 "$@" \
    >>"$RUN/locust.log" 2>&1 || true
}
# Each run starts on a rested machine: the previous one (2,500 learners are far
# beyond two cores) leaves queues, autovacuum and a load average behind. After the
# 2,500-learner run the load average is ~12, and falling below 1.5 takes ~2
# minutes: at 90 s the video run started at 2.75 (API p95 74 ms against 14-23 on a
# rested machine with the same code). Waiting longer did not rescue the next
# make bench's video run (README, "Sixth pass"); the load before each run is
# printed either way.
rest() {
  for _ in $(seq 1 "${BENCH_REST:-240}"); do
    awk '{ exit !($1 < 1.5) }' /proc/loadavg && break
    sleep 1
  done
  echo "load average before $1: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/loads.txt"
}
# The serving processes' CPU in the measured part of a run (after the ramp and the
# settle time, to 2 s before the end), in the background beside locust.
served_cpu() {
  "$PY" -m bench.served_cpu "$1" "$(( $2 / SPAWN + BENCH_SETTLE ))" \
    "$(( DURATION - 2 ))" "$GUNICORN_PID" &
}
offset=0
for users in $USERS; do
  [ "$users" -gt 0 ] || continue  # BENCH_USERS=0: no API load run
  rest "$users users"
  echo "bench: $users learners for $DURATION s" >&2
  served_cpu "$RUN/locust/api-$users-cpu.json" "$users"
  BENCH_LEARNER_OFFSET=$offset locust -u "$users" -r "$SPAWN" \
    -t "$(( users / SPAWN + BENCH_SETTLE + DURATION ))s" \
    --csv "$RUN/locust/api-$users" Learner
  echo "load average after $users users: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/loads.txt"
  offset=$(( offset + users ))
done
if [ "$VIEWERS" -gt 0 ]; then
  rest "the video run"
  echo "bench: $VIEWERS viewers beside $VIEWER_LEARNERS learners for $DURATION s" >&2
  served_cpu "$RUN/locust/video-cpu.json" $(( VIEWERS + VIEWER_LEARNERS ))
  BENCH_API_TIMES=$RUN/locust/video-api.json \
  BENCH_VIEWERS=$VIEWERS BENCH_LEARNER_OFFSET=$offset locust \
    -u $(( VIEWERS + VIEWER_LEARNERS )) -r "$SPAWN" \
    -t "$(( (VIEWERS + VIEWER_LEARNERS) / SPAWN + BENCH_SETTLE + DURATION ))s" \
    --csv "$RUN/locust/video-${VIEWERS}v+${VIEWER_LEARNERS}l" Learner Viewer
  echo "load average after the video run: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/loads.txt"
fi

"$PY" -m bench.report "$RUN" | tee "$RUN/report.md"
