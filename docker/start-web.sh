#!/bin/sh
# Web process: apply migrations (unless MIGRATE_ON_START=false: docker/compose.yaml
# runs them once, in its `migrate` service, before both web replicas start), then
# serve with gunicorn behind Nginx. Workers, threads, timeouts, the backlog and the
# metrics folder are in docker/gunicorn.conf.py (chosen by measurement: README,
# "Performance").
set -eu
if [ "${MIGRATE_ON_START:-true}" = true ]; then
  python manage.py migrate --noinput
fi
exec gunicorn portal.wsgi:application --config docker/gunicorn.conf.py
