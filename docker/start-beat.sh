#!/bin/sh
# Celery beat: periodic schedules are declared in settings (CELERY_BEAT_SCHEDULE).
set -eu
exec celery -A portal beat --loglevel INFO --schedule /tmp/celerybeat-schedule
