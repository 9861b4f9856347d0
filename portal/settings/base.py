"""Settings shared by every environment, read from the environment (12-factor).

Every variable is documented in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates and commands take precedence.
    "portal.accounts",
    "portal.audit",
    "portal.api",
    "portal.health",
    "content",
    "learning",
    "assessments",
    "corporate",
    "integrations",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third-party
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "portal.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.MFAEnrollmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

# The embedded default is a SQLite file under var/; production sets DATABASE_URL.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast instead of hanging a worker when the database is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("timeout", 20)
    # Concurrent requests on the embedded default: writers take the lock when their
    # transaction begins (no lock-upgrade deadlocks), readers never wait for them.
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL unset means the embedded default: in-process cache, eager tasks.
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
        }
    }

# --- Celery -----------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 60
)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Video transcoding has a queue of its own, so a worker can be dedicated to it.
CELERY_TASK_ROUTES = {"content.transcode_video": {"queue": "media"}}
CELERY_TIMEZONE = "UTC"
# Periodic schedules are declared here, in one place.
CELERY_BEAT_SCHEDULE: dict = {
    "publish-scheduled-pages": {"task": "content.publish_scheduled", "schedule": 60.0},
}

# --- Auth -------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Fallback only, so hashes made elsewhere upgrade on the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",  # noqa: E501
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS.insert(1, "allauth.account.auth_backends.AuthenticationBackend")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# The editor signs in through allauth too, so MFA and rate limits apply there.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL

# django-allauth: web sign-in for rendered pages, on the same user model.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Cyber Learning Portal")
# Roles that must enrol in MFA before they may change anything (comma-separated;
# empty turns the requirement off). Production defaults to admin,instructor.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------

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
FILE_UPLOAD_PERMISSIONS = 0o640
# Largest video upload accepted (megabytes); bigger files are refused before storage.
VIDEO_MAX_UPLOAD_MB = env.int("VIDEO_MAX_UPLOAD_MB", default=2048)
# Behind Nginx: protected media (HLS playlists and segments) is answered with
# X-Accel-Redirect to /protected/; without Nginx (dev, tests) Django sends the file.
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)
# Nginx's internal location aliased to MEDIA_ROOT (see docker/nginx.conf).
MEDIA_ACCEL_PREFIX = env.str("MEDIA_ACCEL_PREFIX", default="/protected/")

# --- Wagtail ----------------------------------------------------------------------

WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Cyber Learning Portal")
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# Documents are served by Wagtail's view, whose before_serve_document hook
# (content/documents.py) checks access and answers through portal/files.py.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Shown in the browser: only types that cannot run script. HTML, SVG, XML and
# everything else is downloaded (Content-Disposition: attachment).
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
]
# CSP on document responses; PDFs get their own, as Chrome's and Firefox's PDF
# viewers refuse to run in a sandboxed document.
DOCUMENT_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"
DOCUMENT_PDF_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "object-src 'self'; frame-ancestors 'self'"
)

# --- REST API ---------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.accounts.authentication.PortalJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.accounts.permissions.MFAEnrolled",
    ],
    "DEFAULT_RENDERER_CLASSES": ["portal.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.api.negotiation.JSONOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Authentication rate limits (DRF rate syntax: N/s, N/min, N/hour, N/day). Login and
# MFA count failed attempts only; registration and password reset count every request.
THROTTLE_RATES = {
    "login_ip": env.str("THROTTLE_RATE_LOGIN_IP", default="100/hour"),
    "login_account": env.str("THROTTLE_RATE_LOGIN_ACCOUNT", default="10/hour"),
    "register_ip": env.str("THROTTLE_RATE_REGISTER_IP", default="100/hour"),
    "password_reset": env.str("THROTTLE_RATE_PASSWORD_RESET", default="10/hour"),
    "mfa": env.str("THROTTLE_RATE_MFA", default="10/min"),
    # Submissions to an assessment with lab flags, per learner and assessment.
    "flag": env.str("THROTTLE_RATE_FLAG", default="10/min"),
    # Proctored exams: event reports per learner (see assessments/proctoring_api.py).
    "proctor_events": env.str("THROTTLE_RATE_PROCTOR_EVENTS", default="120/min"),
}


def _allauth_rate(rate: str) -> str:
    """DRF's ``10/hour`` as allauth's ``10/h``."""
    count, _, period = rate.partition("/")
    return f"{count}/{period[:1]}"


# The web sign-in (allauth) counts failed logins with the same limits as the API.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{_allauth_rate(THROTTLE_RATES['login_ip'])}/ip,"
        f"{_allauth_rate(THROTTLE_RATES['login_account'])}/key"
    ),
    "signup": f"{_allauth_rate(THROTTLE_RATES['register_ip'])}/ip",
    "reset_password": f"{_allauth_rate(THROTTLE_RATES['password_reset'])}/ip",
    "reset_password_from_key": f"{_allauth_rate(THROTTLE_RATES['password_reset'])}/ip",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Learning portal API",
    "DESCRIPTION": (
        "Every response, success or error, is wrapped in the envelope "
        "`{status, data, meta, errors}`. Lists carry `meta.pagination`."
    ),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_api_paths"],
    # Several models have a "status"; name each choice set instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "EnvelopeStatusEnum": ["success"],
        "EnrollmentStatusEnum": "learning.models.EnrollmentStatus",
        "CourseStatusEnum": "content.models.CourseStatus",
        "VideoStatusEnum": "content.media.VideoStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.envelope_responses",
        "portal.api.schema.path_parameters",
    ],
}

# --- Certificates -----------------------------------------------------------------

CERTIFICATE_ISSUER = env.str(
    "CERTIFICATE_ISSUER", default="Whole Cyber Human Initiative"
)
CERTIFICATE_NUMBER_PREFIX = env.str("CERTIFICATE_NUMBER_PREFIX", default="WCH")
CERTIFICATE_FONT = env.str(
    "CERTIFICATE_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
CERTIFICATE_FONT_BOLD = env.str(
    "CERTIFICATE_FONT_BOLD",
    default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)

# --- Health -----------------------------------------------------------------------

HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=1.5)
HEALTH_DISK_MAX_USAGE_PERCENT = env.float("HEALTH_DISK_MAX_USAGE_PERCENT", default=95)
HEALTH_MEMORY_MAX_USAGE_PERCENT = env.float(
    "HEALTH_MEMORY_MAX_USAGE_PERCENT", default=95
)

# --- Logging ----------------------------------------------------------------------

SLOW_REQUEST_SECONDS = env.float("SLOW_REQUEST_SECONDS", default=1.0)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.observability.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "()": "portal.observability.StdoutHandler",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces these two; keep their errors only.
        "django.server": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
        # Wagtail's background tasks log every run at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Security (hardened further in prod) ------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True


def require_secret_key(secret_key: str, debug: bool) -> None:
    """Refuse to start without a real SECRET_KEY unless in DEBUG."""
    if not secret_key and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false (see .env.example)."
        )


# --- Issue 13 finding 9 (to be folded into REST_FRAMEWORK above) -------------------
# The API's JSON parser refuses nesting too deep for Python and lone surrogates,
# which parse as JSON but fail later with a 500 (see portal/api/parsers.py).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "portal.api.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
