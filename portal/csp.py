"""The Content-Security-Policy of every HTML page the portal renders.

A small middleware rather than django-csp: the portal needs two fixed policies chosen
by path (learner pages, and the Wagtail and Django admins, whose own inline scripts
need more) and no nonces, since no learner template has an inline script. Responses
that set their own policy (documents, ``content.views``) and non-HTML responses (the
API's JSON, media) are left as they are.
"""

from django.conf import settings
from django.core.files.storage import storages

from .storage import storage_origin

ADMIN_PREFIXES = ("/cms/", "/django-admin/")
# Media on object storage comes from the bucket's origin: images (thumbnails,
# posters after their redirect), and HLS segments that hls.js fetches (connect) or a
# native player loads (media).
MEDIA_DIRECTIVES = ("img-src", "media-src", "connect-src")


def _header(policy: dict[str, list[str]]) -> str:
    return "; ".join(
        " ".join([directive, *sources]) if sources else directive
        for directive, sources in policy.items()
    )


def content_security_policy(*, path: str, x_frame_options: str | None) -> str:
    """The policy for a page at ``path``; ``frame-ancestors`` follows the page's
    X-Frame-Options (SAMEORIGIN where a view allows framing, such as Wagtail's
    preview), since browsers ignore that header once a CSP names frame ancestors."""
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    if path.startswith(ADMIN_PREFIXES):
        policy.update(settings.CONTENT_SECURITY_POLICY_ADMIN)
    media = storage_origin(storages["default"])
    if media:
        for directive in MEDIA_DIRECTIVES:
            policy[directive] = [*policy.get(directive, ["'self'"]), media]
    if x_frame_options is None:
        policy.pop("frame-ancestors", None)
    elif x_frame_options.upper() == "SAMEORIGIN":
        policy["frame-ancestors"] = ["'self'"]
    return _header(policy)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML responses that do not carry one. Sits above
    ``XFrameOptionsMiddleware`` so that it sees the page's X-Frame-Options."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and (
            "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = content_security_policy(
                path=request.path, x_frame_options=response.get("X-Frame-Options")
            )
        return response
