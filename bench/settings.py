"""Production settings plus the benchmark's bare view (``bench/urls.py``): the
servers ``make bench`` starts run exactly what production runs, with one extra URL
whose cost is Django's alone (middleware, routing, a tiny response), the yardstick
of the ratio the benchmark prints."""

from portal.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
