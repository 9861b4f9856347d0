#!/bin/sh
# Celery worker for normal tasks and the video transcoding queue.
set -eu
exec celery -A portal worker --queues "${CELERY_QUEUES:-default,media}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel INFO
