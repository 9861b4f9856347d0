#!/bin/sh
# Web process: apply migrations, then serve with gunicorn behind Nginx.
set -eu
python manage.py migrate --noinput
exec gunicorn portal.wsgi:application \
  --bind 0.0.0.0:8000 \
  --workers "${GUNICORN_WORKERS:-3}" \
  --threads "${GUNICORN_THREADS:-2}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" \
  --access-logfile - \
  --forwarded-allow-ips "*"
