"""Writes to modules: a module body from API input, and adding a draft module."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import Conflict, InvalidInput

from ..access import module_documents_refusal
from ..blocks import ModuleBodyBlock, clean_rich_text
from ..models import CoursePage, ModulePage
from .pages import _clean_page, _rich_text, _unique_slug
from .rules import _require_manager

MODULE_FIELDS = (
    "title",
    "description",
    "kind",
    "completion",
    "duration",
    "is_mandatory",
    "is_free_preview",
    "body",
)


def module_body_stream(*, body: object, video_id: int | None = None) -> list:
    """API input for a module body: plain text (paragraphs) or a list of StreamField
    blocks ``[{"type": "rich_text", "value": "<p>…</p>"}, …]``, validated strictly.
    A ``video_id`` (checked by the caller) becomes a ``video`` block in front."""
    if video_id is not None:
        if isinstance(body, str):
            body = [{"type": "rich_text", "value": _rich_text(body)}] if body else []
        video = {"type": "video", "value": {"video_id": video_id, "caption": ""}}
        body = [video, *(body or [])]
    if body in (None, "", []):
        return []
    if isinstance(body, str):
        return [("rich_text", _rich_text(body))]
    stream = ModuleBodyBlock()
    try:
        # Defence in depth: whoever calls, rich text keeps only the editor's features.
        body = [
            {
                **item,
                "value": clean_rich_text(
                    stream.child_blocks[item["type"]], item["value"]
                ),
            }
            if isinstance(item, dict) and item.get("type") in stream.child_blocks
            else item
            for item in body
        ]
        value = stream.to_python(body)
        stream.clean(value)
    except (
        DjangoValidationError,
        TypeError,
        KeyError,
        ValueError,
        AttributeError,
    ) as exc:
        message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        raise InvalidInput(f"Invalid body: {message}", field="body") from None
    return value


@transaction.atomic
def module_create(*, actor: User, course: CoursePage, data: dict) -> ModulePage:
    """Append a draft module to a course (last in order). It goes live when the
    course is next published."""
    _require_manager(actor, course)
    if course.is_archived:
        raise Conflict("Modules cannot be added to an archived course.")
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    module = ModulePage(
        title=data["title"],
        slug=_unique_slug(course, data["title"]),
        live=False,
        owner=actor,
        description=data.get("description", ""),
        kind=data.get("kind", "text"),
        completion=data.get("completion") or "",
        duration=data.get("duration", 0),
        is_mandatory=data.get("is_mandatory", True),
        is_free_preview=data.get("is_free_preview", False),
        body=module_body_stream(body=data.get("body"), video_id=data.get("video_id")),
    )
    refusal = module_documents_refusal(
        body=module.body, instructor_id=course.instructor_id
    )
    if refusal:
        raise InvalidInput(refusal, field="body")
    _clean_page(module)
    course.add_child(instance=module)
    module.save_revision(user=actor, log_action=True)
    audit_log_record(
        action="module.created",
        user=actor,
        resource_type="module",
        resource_id=module.pk,
    )
    return module
