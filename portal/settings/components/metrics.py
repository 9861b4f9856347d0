"""Prometheus metrics (``portal.metrics``): who may read ``GET /metrics`` and where
Celery workers serve theirs.

``/metrics`` answers 403 unless the caller presents ``Authorization: Bearer
<METRICS_TOKEN>`` or its address (``portal.proxies.client_ip``) is in one of
``METRICS_ALLOWED_NETWORKS``. Both empty by default: nobody, not even loopback.

Several gunicorn workers (or Celery's prefork children) share their series through
``PROMETHEUS_MULTIPROC_DIR``, read from the environment by ``prometheus_client``
itself before anything is imported (``docker/gunicorn.conf.py`` sets and empties it).
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from . import env

METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network.strip(), strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or network."
        ) from _error
# A Celery worker serves its own series (task durations) on this port when set, with
# the same protection as /metrics; 0: none.
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=0)
# "Active learners": distinct learners who recorded progress within this many minutes.
METRICS_ACTIVE_WINDOW_MINUTES = env.int("METRICS_ACTIVE_WINDOW_MINUTES", default=15)
