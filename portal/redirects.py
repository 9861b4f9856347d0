"""Wagtail's editor-managed redirects, for pages only.

Wagtail's middleware looks every 404 up in the redirects table (the site, then up to
two queries); the API's 404s (an unknown path, a missing course) are answers, not
moved pages, and paid those queries on every miss. API paths skip the look-up."""

from wagtail.contrib.redirects.middleware import RedirectMiddleware

API_PREFIX = "/api/"


class PageRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)
