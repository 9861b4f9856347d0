from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts.views import (
    profile,
    session_ended,
    session_status,
    sign_in_redirect,
)
from portal.api.views import UnknownEndpointView
from portal.health.views import health
from portal.metrics.views import metrics

# Every app's API routes, mounted under /api/v1/: one flat list (in this order; the
# first match wins) rather than an include() per app. Django resolves an include by
# trying it and, when it does not match, recording every pattern it tried; over 16
# includes that bookkeeping was 7 % of the API's CPU under load (``make bench``).
API_ROUTE_MODULES = [
    "portal.accounts.api.urls",
    "portal.webhooks.api.urls",
    "content.api.urls",
    "learning.api.urls",
    "learning.mentorship.api.urls",
    "learning.payments.api.urls",
    "learning.certifications.api.urls",
    "assessments.api.urls",
    "portal.jobs.api.urls",
    "portal.privacy.api.urls",
    "corporate.api.urls",
    "learning.skills.api.urls",
    "corporate.talent.api.urls",
    "corporate.skillbridge.api.urls",
]
api_v1 = [
    # The schema and its docs keep their namespace ("api:schema").
    path("", include("portal.api.urls")),
    *(
        route
        for module in API_ROUTE_MODULES
        for route in import_module(module).urlpatterns
    ),
]

handler400 = "portal.api.views.bad_request"
handler403 = "portal.api.views.permission_denied"
handler404 = "portal.api.views.page_not_found"
handler500 = "portal.api.views.server_error"

urlpatterns = [
    path("health/", health, name="health"),
    # Prometheus asks for /metrics; outside the API and its envelope (API.md).
    re_path(r"^metrics/?$", metrics, name="metrics"),
    re_path(r"^api/(?P<version>v1)/", include(api_v1)),
    re_path(r"^api/", UnknownEndpointView.as_view()),
    path("scim/v2/", include("corporate.scim.api.urls")),
    path("accounts/profile/", profile, name="account-profile"),
    path("accounts/session/", session_status, name="account-session"),
    path("accounts/session/ended/", session_ended, name="account-session-ended"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("", include("learning.page_urls")),
    path("", include("learning.mentorship.page_urls")),
    path("", include("learning.payments.page_urls")),
    path("", include("learning.skills.page_urls")),
    path("", include("learning.community.page_urls")),
    path("", include("corporate.talent.page_urls")),
    path("", include("assessments.page_urls")),
    path("", include("corporate.page_urls")),
    # Wagtail's and Django admin's password-only logins are replaced, so every
    # sign-in passes allauth's MFA step and throttles.
    path("django-admin/login/", sign_in_redirect),
    path("django-admin/", admin.site.urls),
    path("cms/login/", sign_in_redirect),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
