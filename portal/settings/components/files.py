"""Static files, uploaded media and how protected media is sent."""

from pathlib import Path

from . import BASE_DIR, env

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Largest request body (JSON, form fields) in bytes; endpoints that take files add the
# file's own limit below (portal/request_limits.py). Nginx matches: docker/nginx.conf.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024
)
# Largest WebVTT caption file (bytes): the caption service and the request-body
# limit of the caption endpoints both read it.
CAPTION_MAX_BYTES = 1024 * 1024
# Largest document uploaded in the Wagtail admin (megabytes).
DOCUMENT_MAX_UPLOAD_MB = env.int("DOCUMENT_MAX_UPLOAD_MB", default=100)
FILE_UPLOAD_PERMISSIONS = 0o640
# Largest video upload accepted (megabytes); bigger files are refused before storage.
VIDEO_MAX_UPLOAD_MB = env.int("VIDEO_MAX_UPLOAD_MB", default=2048)
# Behind Nginx: protected media (HLS playlists and segments) is answered with
# X-Accel-Redirect to /protected/; without Nginx (dev, tests) Django sends the file.
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)
# Nginx's internal location aliased to MEDIA_ROOT (see docker/nginx.conf).
MEDIA_ACCEL_PREFIX = env.str("MEDIA_ACCEL_PREFIX", default="/protected/")
# A transcoding run touches its video every this many seconds; a ``processing``
# video without a touch for VIDEO_STUCK_MINUTES belonged to a run that died (a
# killed worker) and beat's sweeper queues it again.
VIDEO_TRANSCODE_HEARTBEAT_SECONDS = env.int(
    "VIDEO_TRANSCODE_HEARTBEAT_SECONDS", default=30
)
VIDEO_STUCK_MINUTES = env.int("VIDEO_STUCK_MINUTES", default=3)
# HLS segments behind Nginx: Django checks access once per variant playlist and
# rewrites its segment lines to URLs signed with this secret, expiring after
# HLS_SIGNED_URL_TTL seconds (so a revoked viewer loses the video within that
# time); Nginx's secure_link checks them (docker/nginx.conf, location /hls-signed/).
# Empty: every segment goes through Django's access check, as without Nginx.
HLS_SECURE_LINK_SECRET = env.str("HLS_SECURE_LINK_SECRET", default="")
HLS_SIGNED_URL_TTL = env.int("HLS_SIGNED_URL_TTL", default=900)
HLS_SIGNED_PREFIX = env.str("HLS_SIGNED_PREFIX", default="/hls-signed/")
