"""Production settings plus the benchmark's bare view (``bench/urls.py``): the
servers ``make bench`` starts run exactly what production runs, with one extra URL
whose cost is Django's alone (middleware, routing, a tiny response), the yardstick
of the ratio the benchmark prints."""

from portal.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The load touches no static file; collecting without compressing every file twice
# (gzip, brotli) saves minutes of set-up on a small machine.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
