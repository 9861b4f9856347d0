"""Documents (Wagtail documents in module bodies): who may download them, and how
they are answered.

A document is as private as the modules that show it: Wagtail's serve view runs the
``before_serve_document`` hook (registered in ``wagtail_hooks.py``), which answers
every request itself through ``portal.files`` (``X-Accel-Redirect`` behind Nginx).
The modules using a document come from Wagtail's reference index, which records the
references of each page's stored (for a live page: live) content.

Who may download one is ``content.access``'s rule (``document_may_view``), as for
module bodies and videos:
admins and the uploader; the instructor of a course with a module using it; anyone
for a live free-preview module of a live course; members of the live courses whose
live modules use it. A module shows a document only if its course's instructor or an
admin uploaded it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail.documents.models import document_served

from portal.files import ATTACHMENT, INLINE, stored_file_response

from .access import document_may_view

# Never shown inline whatever the settings say: SVG and XML can carry script.
NEVER_INLINE = {
    "image/svg+xml",
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
}
DOCUMENT_CACHE_CONTROL = "private, no-cache"


def document_disposition(content_type: str) -> str:
    """Inline only for the allowlisted types that cannot run script."""
    inline = set(settings.WAGTAILDOCS_INLINE_CONTENT_TYPES) - NEVER_INLINE
    return INLINE if content_type in inline else ATTACHMENT


def document_serve(document, request):
    """The ``before_serve_document`` hook: the document's response, a login
    redirect for anonymous visitors who may not see it, 404 for other outsiders.
    On object storage the response redirects to a short-lived presigned URL that
    makes the bucket answer with the same type and disposition (the bucket is
    another origin: a document opened inline there cannot script this site)."""
    if not document_may_view(actor=request.user, document=document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("Document not found.")
    content_type = document.content_type
    disposition = document_disposition(content_type)
    response = stored_file_response(
        request,
        storage=document.file.storage,
        name=document.file.name,
        content_type=content_type,
        disposition=disposition,
        filename=document.filename,
        cache_control=DOCUMENT_CACHE_CONTROL,
    )
    response["Content-Security-Policy"] = (
        settings.DOCUMENT_PDF_CONTENT_SECURITY_POLICY
        if content_type == "application/pdf" and disposition == INLINE
        else settings.DOCUMENT_CONTENT_SECURITY_POLICY
    )
    document_served.send(sender=type(document), instance=document, request=request)
    return response
