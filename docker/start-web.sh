#!/bin/sh
# Web process: apply migrations, then serve with gunicorn behind Nginx. Workers,
# threads, timeouts and the backlog are in docker/gunicorn.conf.py (chosen by
# measurement: README, "Performance").
set -eu
python manage.py migrate --noinput
exec gunicorn portal.wsgi:application --config docker/gunicorn.conf.py
