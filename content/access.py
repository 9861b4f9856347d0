"""Who may read a course's content: the one rule that module bodies, documents and
videos follow.

Content (a module's body, a document, a video) is shown by modules of courses; each
place that shows it is a ``Showing``. A user may read it when they are an admin, its
uploader (assets), the instructor of a course showing it, anyone when a showing is a
free preview, or a member of a course showing it (``portal.hooks.COURSE_MEMBER_CHECK``:
``learning`` answers "enrolled"; ``content`` must not import ``learning``).

An asset is shown through a course only when the course's instructor or an admin
uploaded it (``trusted_uploader_q``): an instructor cannot reach someone else's
private file by naming its id in their own module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page, ReferenceIndex

from portal.accounts.models import Role, User
from portal.accounts.permissions import acts_as_instructor, is_admin
from portal.hooks import course_member_any

from .models import CoursePage, ModulePage


@dataclass(frozen=True)
class Showing:
    """A course showing some content through one of its modules. ``members``: the
    course's members read it there (e.g. a live module); ``public``: anyone does (a
    free preview of a live module of a live course)."""

    course_id: int
    instructor_id: int | None
    members: bool
    public: bool = False


def content_readable(
    *,
    user: User | AnonymousUser,
    showings: Iterable[Showing],
    owner_id: int | None = None,
) -> bool:
    """Whether ``user`` (possibly anonymous) may read content shown by ``showings``
    and uploaded by ``owner_id``. ``showings`` is read lazily, after the checks that
    need no query, and the member check runs once for all courses (one query)."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in and (is_admin(user) or (owner_id and owner_id == user.pk)):
        return True
    member_course_ids = set()
    for showing in showings:
        if signed_in and showing.instructor_id == user.pk and acts_as_instructor(user):
            return True
        if showing.public:
            return True
        if showing.members:
            member_course_ids.add(showing.course_id)
    if not (signed_in and member_course_ids):
        return False
    return course_member_any(user=user, course_ids=sorted(member_course_ids))


def course_member(*, user: User | AnonymousUser, course: CoursePage) -> bool:
    """Whether ``user`` may read every module of ``course``: admins, its
    instructor and its members."""
    showing = Showing(
        course_id=course.pk, instructor_id=course.instructor_id, members=True
    )
    return content_readable(user=user, showings=[showing])


def trusted_uploader_q(*, field: str, instructor_id: int | None) -> Q:
    """Assets (``field`` names their uploader) a course of ``instructor_id`` may
    show: uploaded by that instructor or by an admin."""
    return (
        Q(**{f"{field}_id": instructor_id})
        | Q(**{f"{field}__role": Role.ADMIN})
        | Q(**{f"{field}__is_superuser": True})
    )


def body_document_ids(*, body: Iterable) -> set[int]:
    """Ids of the documents a module body (a StreamField value) shows."""
    return {
        getattr(block.value, "pk", block.value)
        for block in body
        if block.block_type == "document" and block.value is not None
    }


def module_documents_refusal(
    *, body: Iterable, instructor_id: int | None
) -> str | None:
    """Why a module of a course taught by ``instructor_id`` may not show the
    documents of ``body`` (one query), or ``None``: each must be uploaded by the
    course's instructor or an admin."""
    from wagtail.documents import get_document_model

    ids = body_document_ids(body=body)
    if not ids:
        return None
    trusted = set(
        get_document_model()
        .objects.filter(pk__in=ids)
        .filter(
            trusted_uploader_q(field="uploaded_by_user", instructor_id=instructor_id)
        )
        .values_list("pk", flat=True)
    )
    if ids - trusted:
        return _(
            "Only documents uploaded by the course's instructor or an admin can be "
            "shown in its modules: upload the document yourself (documents %(ids)s)."
        ) % {"ids": ", ".join(str(pk) for pk in sorted(ids - trusted))}
    return None


def is_course_manager(*, user: User | AnonymousUser, course: CoursePage) -> bool:
    """Admins manage every course; instructors the ones they teach, while they hold
    the instructor role (a demoted or deactivated instructor manages none)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or (
        course.instructor_id == user.pk and acts_as_instructor(user)
    )


def managed_courses_q(*, user: User | AnonymousUser, prefix: str = "") -> Q:
    """``is_course_manager`` as a filter on courses (``prefix`` leads from the
    queried model to the course, e.g. ``"assessment__course__"``): everything for
    admins, the courses they teach for instructors, nothing for anyone else."""
    if is_admin(user):
        return Q()
    if acts_as_instructor(user):
        return Q(**{f"{prefix}instructor_id": user.pk})
    return Q(pk__in=[])


def is_moderator(*, user: User | AnonymousUser) -> bool:
    """Moderators (admins) publish, approve and restore archived courses."""
    return is_admin(user)


# --- Documents ----------------------------------------------------------------


def document_module_ids(*, document: AbstractDocument) -> list[int]:
    """Ids of the pages whose stored content references ``document`` (one query)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    return [int(pk) for pk in ids.values_list("object_id", flat=True).distinct()]


def document_may_view(
    *, actor: User | AnonymousUser, document: AbstractDocument
) -> bool:
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
    module_ids = document_module_ids(document=document)
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
