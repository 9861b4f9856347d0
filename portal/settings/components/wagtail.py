"""Wagtail: site name and admin URL, search backend, documents and how they are
served."""

from . import env

WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Cyber Learning Portal")
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Largest image uploaded in the Wagtail admin (bytes; Wagtail's default, stated here
# because portal/request_limits.py sizes that endpoint's body limit from it).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
# Documents are served by Wagtail's view, whose before_serve_document hook
# (content/views.py) checks access and answers through portal/files.py.
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
# The dashboard's "new release" check fetches releases.wagtail.org from the editor's
# browser; the admin's Content-Security-Policy allows this origin only (portal/csp.py).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar avatars in the admin: they hand every editor's email hash to a third
# party, and the admin's CSP loads images from this origin only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
