"""The project itself: debug switch, secret key, hosts, apps, middleware, templates."""

from . import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates and commands take precedence.
    "portal.accounts",
    "portal.crypto",
    "portal.audit",
    "portal.api",
    "portal.health",
    "portal.notifications",
    "portal.jobs",
    "portal.privacy",
    "portal.metrics",
    "portal.backups",
    "content",
    "learning",
    "learning.mentorship",
    "portal.webhooks",
    "learning.payments",
    "learning.certifications",
    "learning.skills",
    "learning.community",
    "assessments",
    "assessments.skills",
    "corporate",
    "corporate.talent",
    "corporate.skillbridge",
    "corporate.scim",
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
    # Third-party accounts are links only (Discord roles), never a way to sign in:
    # ``portal.accounts.adapter.PortalSocialAccountAdapter``.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.discord",
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
    # First: its latency histogram covers every other middleware.
    "portal.metrics.middleware.PrometheusMiddleware",
    "portal.observability.RequestLogMiddleware",
    # Before any work: a request that queued too long is refused at once.
    "portal.overload.OverloadMiddleware",
    # Before anything reads the body (CSRF reads a POST's form).
    "portal.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads the database for the view: decides whether this
    # request's reads may use the replica (off without DATABASE_REPLICA_URL).
    "portal.replicas.ReplicaRoutingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle timeout and absolute lifetime of web sessions (after auth and messages).
    "portal.accounts.middleware.SessionControlMiddleware",
    "portal.accounts.middleware.MFAEnrollmentMiddleware",
    "portal.error_pages.ErrorPagesMiddleware",
    "portal.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.redirects.PageRedirectMiddleware",
    # Last, so its process_exception runs first for the view's exceptions.
    "portal.web.OutageMiddleware",
]

# A request that waited longer than this in front of Django (Nginx's X-Request-Start)
# gets 503 at once (portal/overload.py); 0 turns shedding off.
OVERLOAD_MAX_QUEUE_MS = env.int("OVERLOAD_MAX_QUEUE_MS", default=1000)

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
                "portal.accounts.context_processors.session_timeout",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
