"""Static files, uploaded media and how protected media is sent."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

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
# Where uploaded media lives: ``local`` (MEDIA_ROOT, the default) or ``s3`` (an
# S3-compatible bucket through django-storages: AWS S3, SeaweedFS, MinIO, Ceph...).
# Every file goes through the storage API (portal/storage.py); objects stay private
# (no ACL) and are handed out on presigned URLs after Django checked access.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")


def _s3_storage_options() -> dict:
    """The S3 backend's options, from the environment (``.env.example``)."""
    endpoint = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    return {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
        "endpoint_url": endpoint,
        # Unset: boto3's own chain (environment, instance profile, IRSA...).
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # Self-hosted servers answer on one host name: path-style addressing.
        "addressing_style": env.str(
            "AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto"
        ),
        "signature_version": "s3v4",
        # A key prefix inside the bucket (several portals may share one).
        "location": env.str("AWS_LOCATION", default=""),
        # Private objects: never an ACL, never a public URL.
        "default_acl": None,
        "querystring_auth": True,
        # How long URLs made by ``storage.url()`` stay valid: Wagtail images and
        # avatars embedded in pages and cached API answers (the catalog cache lives
        # an hour), so longer than that cache.
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=6 * 3600),
        # Never overwrite: a second upload under a taken name gets a new name.
        "file_overwrite": False,
    }


if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_storage_options(),
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
# Protected media on object storage: after the access check Django answers with a
# redirect to a presigned URL valid this many seconds (the download only has to
# start in that time).
MEDIA_REDIRECT_URL_TTL = env.int("MEDIA_REDIRECT_URL_TTL", default=300)
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
# HLS behind Nginx: Django checks access once per master playlist and names the
# variants by a URL of the video's folder signed with this secret, expiring after
# HLS_SIGNED_URL_TTL seconds (so a revoked viewer loses the video within that
# time); Nginx's secure_link checks it and serves the variant playlists and
# segments under it (docker/nginx.conf, location ^/hls-signed/). Empty: every file
# goes through Django's access check, as without Nginx.
HLS_SECURE_LINK_SECRET = env.str("HLS_SECURE_LINK_SECRET", default="")
HLS_SIGNED_URL_TTL = env.int("HLS_SIGNED_URL_TTL", default=900)
HLS_SIGNED_PREFIX = env.str("HLS_SIGNED_PREFIX", default="/hls-signed/")
