#!/bin/sh
# Celery beat: periodic schedules are declared in settings (CELERY_BEAT_SCHEDULE).
set -eu
# portal/celery.py leaves the choice of settings to its starter.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.prod}"
exec celery -A portal beat --loglevel INFO --schedule /tmp/celerybeat-schedule
