"""The site's own error pages for the rendered site, whatever ``DEBUG`` says.

With ``DEBUG`` on (``make run``) Django answers a missing page with its technical
404, which does not look like the site; a page under the site answers with the
branded ``404.html`` instead (the API keeps its enveloped errors, and the admin
areas Wagtail's and Django's own pages). Without ``DEBUG`` Django's handlers
(``portal.api.views``) already render the same templates.

Signed-in people without access to an admin area (``/cms/``, ``/django-admin/``)
get a clear 403 page there, instead of Wagtail's redirect to its own dashboard
(which refuses them again: a redirect loop that stacks "no permission" banners)
or Django admin's redirect to a sign-in they have already passed.
"""

from django.http import Http404
from django.shortcuts import render

from portal.accounts.permissions import may_use_admin_area

# Paths whose errors their own framework renders (envelope, admin pages).
OWN_ERROR_PAGES = ("/api/", "/cms/", "/django-admin/", "/static/", "/media/")
ADMIN_AREAS = ("/cms/", "/django-admin/")
# Where an authenticated person is sent anyway (sign-in and sign-out redirect).
ADMIN_PASSTHROUGH = ("/cms/login/", "/cms/logout/", "/django-admin/login/")


class ErrorPagesMiddleware:
    """Renders the branded 404 page for ``Http404`` raised under the site, and the
    admin-area 403 page. Comes after the authentication and MFA middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        area = next(
            (prefix for prefix in ADMIN_AREAS if request.path_info.startswith(prefix)),
            None,
        )
        if (
            area is not None
            and not request.path_info.startswith(ADMIN_PASSTHROUGH)
            and request.user.is_authenticated
            and not may_use_admin_area(user=request.user, area=area)
        ):
            return render(
                request,
                "403_admin.html",
                {"area": "django-admin" if area == "/django-admin/" else "cms"},
                status=403,
            )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not request.path_info.startswith(
            OWN_ERROR_PAGES
        ):
            return render(request, "404.html", status=404)
        return None
