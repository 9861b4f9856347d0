"""This app's answers to the personal-data extension points (``portal.hooks``):
what an instructor or editor did in the CMS (courses taught, pages, revisions,
comments, uploads), held in this app's models and in Wagtail's, which this app
owns for the portal.

Erasure keeps course material and its editorial history (pages, revisions, log
entries, workflow steps, videos, documents and images belong to the
organization's catalog and point at the anonymized account), unlocks pages the
person had locked, stops naming them as a course's instructor, and deletes
what is only theirs (editing sessions, unsaved form states, subscriptions,
temporary uploads, API tokens)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.admin.models import EditingSession, FormState
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    APIToken,
    Comment,
    CommentReply,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageSubscription,
    Revision,
    TaskState,
    UploadedFile,
    WorkflowState,
)

from portal.hooks import (
    Erasure,
    ErasureSteps,
    erase_file_on_commit,
    personal_data_covers,
)
from portal.redaction import person_needles, redact_json, redact_text

from .media import VideoAsset
from .models import CoursePage

RELATIONS = (
    "content.VideoAsset.owner",
    "content.CoursePage.instructor",
    "wagtailcore.Page.owner",
    "wagtailcore.Page.locked_by",
    "wagtailcore.Revision.user",
    "wagtailcore.PageLogEntry.user",
    "wagtailcore.ModelLogEntry.user",
    "wagtailcore.Comment.user",
    "wagtailcore.Comment.resolved_by",
    "wagtailcore.CommentReply.user",
    "wagtailcore.PageSubscription.user",
    "wagtailcore.WorkflowState.requested_by",
    "wagtailcore.TaskState.finished_by",
    "wagtailcore.UploadedFile.uploaded_by_user",
    "wagtailcore.APIToken.user",
    "wagtaildocs.Document.uploaded_by_user",
    "wagtailimages.Image.uploaded_by_user",
    "wagtailadmin.EditingSession.user",
    "wagtailadmin.FormState.user",
)
KEPT_CMS_HISTORY = (
    "Editorial history of the catalog (who changed what, when) is the "
    "organization's record; it points at the anonymized account."
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    Document, Image = get_document_model(), get_image_model()
    return {
        "content.courses_taught": list(
            CoursePage.objects.filter(instructor=user)
            .order_by("pk")
            .values("id", "title", "first_published_at")
        ),
        "content.pages_owned": list(
            Page.objects.filter(owner=user).order_by("pk").values("id", "title")
        ),
        "content.pages_locked": list(
            Page.objects.filter(locked_by=user).values("id", "title", "locked_at")
        ),
        # Video originals can be gigabytes: listed, not copied (ask an admin).
        "content.videos_uploaded": list(
            VideoAsset.objects.filter(owner=user)
            .order_by("pk")
            .values("id", "title", "status", "created_at")
        ),
        "content.documents_uploaded": [
            {"title": d.title, "file": d.file, "created_at": d.created_at}
            for d in Document.objects.filter(uploaded_by_user=user).order_by("pk")
        ],
        "content.images_uploaded": [
            {"title": i.title, "file": i.file, "created_at": i.created_at}
            for i in Image.objects.filter(uploaded_by_user=user).order_by("pk")
        ],
        "content.revisions": list(
            Revision.objects.filter(user=user)
            .order_by("created_at")
            .values("object_str", "created_at")
        ),
        "content.page_history": list(
            PageLogEntry.objects.filter(user=user)
            .order_by("timestamp")
            .values("label", "action", "timestamp")
        )
        + list(
            ModelLogEntry.objects.filter(user=user)
            .order_by("timestamp")
            .values("label", "action", "timestamp")
        ),
        "content.comments": list(
            Comment.objects.filter(user=user)
            .order_by("created_at")
            .values("page_id", "text", "created_at", "resolved_at")
        )
        + list(
            CommentReply.objects.filter(user=user)
            .order_by("created_at")
            .values("comment__page_id", "text", "created_at")
        ),
        "content.comments_resolved": list(
            Comment.objects.filter(resolved_by=user).values("page_id", "resolved_at")
        ),
        "content.page_subscriptions": list(
            PageSubscription.objects.filter(user=user).values(
                "page_id", "comment_notifications"
            )
        ),
        "content.workflow_steps": list(
            WorkflowState.objects.filter(requested_by=user).values(
                "object_id", "status", "created_at"
            )
        )
        + list(
            TaskState.objects.filter(finished_by=user).values(
                "status", "finished_at", "comment"
            )
        ),
        "content.api_tokens": list(
            APIToken.objects.filter(user=user).values("name", "created", "revoked_at")
        ),
        "content.editing_sessions": list(
            EditingSession.objects.filter(user=user).values("object_id", "last_seen_at")
        ),
        "content.unsaved_forms": list(
            FormState.objects.filter(user=user).values("object_id", "last_updated_at")
        ),
        "content.temporary_uploads": [
            {"file": upload.file}
            for upload in UploadedFile.objects.filter(uploaded_by_user=user)
        ],
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    Document, Image = get_document_model(), get_image_model()
    needles = person_needles(user)
    steps = ErasureSteps()

    def kept(label: str, queryset, why: str = KEPT_CMS_HISTORY) -> None:
        steps.keep(label, queryset, why)

    for upload in UploadedFile.objects.filter(uploaded_by_user=user):
        erase_file_on_commit(field_file=upload.file)
    steps.delete(
        "wagtailcore.UploadedFile", UploadedFile.objects.filter(uploaded_by_user=user)
    )
    steps.delete(
        "wagtailadmin.EditingSession", EditingSession.objects.filter(user=user)
    )
    steps.delete("wagtailadmin.FormState", FormState.objects.filter(user=user))
    steps.delete(
        "wagtailcore.PageSubscription", PageSubscription.objects.filter(user=user)
    )
    steps.delete("wagtailcore.APIToken", APIToken.objects.filter(user=user))

    steps.append(
        Erasure(
            "content.CoursePage",
            Erasure.ANONYMIZED,
            CoursePage.objects.filter(instructor=user).update(instructor=None),
            "The courses stay in the catalog; they no longer name the person as "
            "instructor (an administrator assigns another).",
        )
    )
    steps.append(
        Erasure(
            "wagtailcore.Page",
            Erasure.ANONYMIZED,
            Page.objects.filter(locked_by=user).update(
                locked=False, locked_by=None, locked_at=None
            ),
            "Pages the person had locked are unlocked for the other editors.",
        )
    )
    # The account's own change history in the editor (Wagtail logs a user's edits
    # with the account's e-mail as its label).
    user_type = ContentType.objects.get_for_model(user.__class__)
    changed = 0
    for entry in ModelLogEntry.objects.filter(
        content_type=user_type, object_id=str(user.pk)
    ):
        entry.label = redact_text(entry.label, needles)
        entry.data = redact_json(entry.data, needles)
        entry.save(update_fields=["label", "data"])
        changed += 1
    steps.append(
        Erasure(
            "wagtailcore.ModelLogEntry",
            Erasure.ANONYMIZED,
            changed,
            "The editor's history of changes to the account stays; it no longer "
            "names the person.",
        )
    )
    kept("wagtailcore.Page", Page.objects.filter(owner=user))
    kept("wagtailcore.Revision", Revision.objects.filter(user=user))
    kept("wagtailcore.PageLogEntry", PageLogEntry.objects.filter(user=user))
    kept("wagtailcore.ModelLogEntry", ModelLogEntry.objects.filter(user=user))
    kept("wagtailcore.WorkflowState", WorkflowState.objects.filter(requested_by=user))
    kept("wagtailcore.TaskState", TaskState.objects.filter(finished_by=user))
    kept(
        "wagtailcore.Comment",
        Comment.objects.filter(user=user) | Comment.objects.filter(resolved_by=user),
        "Editorial comments on course pages are the other editors' discussion too; "
        "they point at the anonymized account.",
    )
    kept(
        "wagtailcore.CommentReply",
        CommentReply.objects.filter(user=user),
        "Replies belong to the editors' discussion; they point at the anonymized "
        "account.",
    )
    course_material = (
        "Course material belongs to the organization's catalog; it points at the "
        "anonymized account."
    )
    kept("content.VideoAsset", VideoAsset.objects.filter(owner=user), course_material)
    kept(
        "wagtaildocs.Document",
        Document.objects.filter(uploaded_by_user=user),
        course_material,
    )
    kept(
        "wagtailimages.Image",
        Image.objects.filter(uploaded_by_user=user),
        course_material,
    )
    return steps
