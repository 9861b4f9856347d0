#!/bin/sh
# Celery worker. CELERY_QUEUES picks the queues it consumes (all four by default;
# docker/compose.yaml runs one worker per queue: default, media, notifications,
# integrations). Logs are JSON lines (portal/celery.py applies LOGGING; LOG_LEVEL
# sets the level); --quiet drops the plain-text start-up banner.
set -eu
# portal/celery.py leaves the choice of settings to its starter.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.prod}"
if [ "${CELERY_METRICS_PORT:-0}" != 0 ]; then
  # The worker serves its task durations on CELERY_METRICS_PORT (portal.metrics);
  # its prefork children share their series through this folder, emptied here.
  export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/celery-metrics}"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
fi
exec celery -A portal --quiet worker \
  --queues "${CELERY_QUEUES:-default,media,notifications,integrations}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel INFO
