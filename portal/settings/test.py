"""Settings for the test suite: real PostgreSQL and Redis come from DATABASE_URL and
REDIS_URL (the Makefile sets local defaults); Celery runs eagerly unless a test starts
a real worker."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env
from .components.crypto import derived_field_key

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="test-only-secret-key-not-for-production")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Sensitive fields need a key; make run's and the tests' is derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derived_field_key(SECRET_KEY)]
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = [
    # Argon2 on its cheapest parameters would still dominate the suite's run time.
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media")))
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Never the development server's anchors: tests that write anchors use their own file.
AUDIT_ANCHOR_FILE = str(BASE_DIR / "var" / "test-audit-anchors.jsonl")
# Job downloads of the suite, apart from the development server's.
JOB_FILES_ROOT = BASE_DIR / "var" / "test-private"
# Racing-request tests sign one staff member in from several threads at once; the
# concurrent-session limit would end some of those sessions. Its own tests
# (tests/portal/test_session_controls.py) switch it on.
SESSION_CONCURRENT_LIMIT_BY_ROLE: dict[str, int] = {}
# Partners in tests are local HTTP servers.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
# With a replica configured, the suite still creates one test database: the replica
# alias mirrors it (tests of the routing start their own processes on two real
# databases: tests/portal/test_replicas.py).
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
