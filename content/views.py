"""Documents (Wagtail documents in module bodies): who may download them, and how
they are answered.

A document is as private as the modules that show it: Wagtail's serve view runs the
``before_serve_document`` hook (registered in ``wagtail_hooks.py``), which answers
every request itself through ``portal.files`` (``X-Accel-Redirect`` behind Nginx).
The modules using a document come from Wagtail's reference index, which records the
references of each page's stored (for a live page: live) content.

Who may download one is ``content.access``'s rule, as for module bodies and videos:
admins and the uploader; the instructor of a course with a module using it; anyone
for a live free-preview module of a live course; members of the live courses whose
live modules use it. A module shows a document only if its course's instructor or an
admin uploaded it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.documents.models import document_served
from wagtail.models import Page, ReferenceIndex

from portal.accounts.permissions import is_admin
from portal.files import ATTACHMENT, INLINE, protected_file_response

from .access import Showing, content_readable
from .models import CoursePage, ModulePage

# Never shown inline whatever the settings say: SVG and XML can carry script.
NEVER_INLINE = {
    "image/svg+xml",
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
}
DOCUMENT_CACHE_CONTROL = "private, no-cache"


def document_module_ids(document) -> list[int]:
    """Ids of the pages whose stored content references ``document`` (one query)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    return [int(pk) for pk in ids.values_list("object_id", flat=True).distinct()]


def document_may_view(*, actor, document) -> bool:
    """Whether ``actor`` (possibly anonymous) may download ``document``
    (``content.access``); at most five queries whatever the number of modules
    using it."""
    return content_readable(
        user=actor,
        owner_id=document.uploaded_by_user_id,
        showings=_document_showings(document),
    )


def _document_showings(document):
    """The courses whose modules show ``document`` (read lazily by the rule):
    members read it in live modules of live courses, anyone in a free preview.
    Only courses whose instructor (or an admin) uploaded it show it."""
    module_ids = document_module_ids(document)
    if not module_ids:
        return
    modules = list(
        ModulePage.objects.filter(pk__in=module_ids).values(
            "path", "live", "is_free_preview"
        )
    )
    steplen = ModulePage.steplen
    courses = {
        course["path"]: course
        for course in CoursePage.objects.filter(
            path__in={module["path"][:-steplen] for module in modules}
        ).values("pk", "path", "live", "instructor_id")
    }
    uploader_is_admin = None
    for module in modules:
        course = courses.get(module["path"][:-steplen])
        if course is None:
            continue
        if course["instructor_id"] != document.uploaded_by_user_id:
            if uploader_is_admin is None:
                uploader_is_admin = is_admin(document.uploaded_by_user)
            if not uploader_is_admin:
                continue
        live = module["live"] and course["live"]
        yield Showing(
            course_id=course["pk"],
            instructor_id=course["instructor_id"],
            members=live,
            public=live and module["is_free_preview"],
        )


def document_disposition(content_type: str) -> str:
    """Inline only for the allowlisted types that cannot run script."""
    inline = set(settings.WAGTAILDOCS_INLINE_CONTENT_TYPES) - NEVER_INLINE
    return INLINE if content_type in inline else ATTACHMENT


def document_serve(document, request):
    """The ``before_serve_document`` hook: the document's response, a login
    redirect for anonymous visitors who may not see it, 404 for other outsiders.
    Storages without local files are left to Wagtail's own view."""
    if not document_may_view(actor=request.user, document=document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("Document not found.")
    try:
        path = document.file.path
    except NotImplementedError:
        return None
    content_type = document.content_type
    disposition = document_disposition(content_type)
    response = protected_file_response(
        request,
        path,
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
