#!/bin/sh
# Celery worker for normal tasks and the video transcoding queue. Logs are JSON
# lines (portal/celery.py applies LOGGING; LOG_LEVEL sets the level); --quiet drops
# the plain-text start-up banner.
set -eu
# portal/celery.py leaves the choice of settings to its starter.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.prod}"
exec celery -A portal --quiet worker --queues "${CELERY_QUEUES:-default,media}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel INFO
