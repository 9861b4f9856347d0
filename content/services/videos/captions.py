"""Caption tracks (WebVTT) of a video: validation, add or replace, delete."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit.services import audit_log_record
from portal.errors import InvalidInput, NotFound

from ...media import VideoAsset, VideoCaption
from .access import video_get

CAPTION_LABEL_MAX = 64
# BCP 47-ish: a 2-3 letter language, then an optional script (4 letters), region
# (2 letters or 3 digits) and variants.
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
LANGUAGE_TAG_MAX = 35
WEBVTT_SIGNATURE = re.compile(r"WEBVTT(?:[ \t\r\n]|$)")
# A WebVTT STYLE block is CSS: ``url()`` and ``@import`` in it would have every
# learner's browser fetch what the uploader names. Cues, notes and regions name
# nothing, so STYLE is the one block refused.
WEBVTT_STYLE_BLOCK = re.compile(r"(?:\A|\n[ \t]*\n)STYLE[ \t]*\n")


def language_tag_normalize(*, tag: str) -> str | None:
    """``pt-br`` → ``pt-BR``, ``zh-hant-tw`` → ``zh-Hant-TW``; None when ``tag`` is
    not a language tag of the accepted shape."""
    if not isinstance(tag, str) or len(tag) > LANGUAGE_TAG_MAX:
        return None
    if not LANGUAGE_TAG.fullmatch(tag):
        return None
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def _validated_webvtt(file) -> bytes:
    if file.size > settings.CAPTION_MAX_BYTES:
        raise InvalidInput(
            _("Caption files may be at most %(kb)d KB.")
            % {"kb": settings.CAPTION_MAX_BYTES // 1024},
            field="file",
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks())
    if len(data) > settings.CAPTION_MAX_BYTES:
        raise InvalidInput(_("Caption files may be at most 1 MB."), field="file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The caption file must be UTF-8 text."), field="file"
        ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text or not WEBVTT_SIGNATURE.match(text):
        raise InvalidInput(
            _('The caption file must be WebVTT: it starts with "WEBVTT".'),
            field="file",
        )
    if WEBVTT_STYLE_BLOCK.search(text.replace("\r\n", "\n").replace("\r", "\n")):
        raise InvalidInput(
            _("Caption files may not have STYLE blocks: the player styles captions."),
            field="file",
        )
    if not any("-->" in line for line in text.splitlines()):
        raise InvalidInput(
            _("The caption file has no cues (no line with a “-->” timing)."),
            field="file",
        )
    return data


def caption_upsert(
    *, actor: User, video_id: int, language: str, label: str, file: UploadedFile
) -> tuple[VideoCaption, bool]:
    """Add a WebVTT caption track to a video of ``actor``'s (admins: any), or replace
    the track in that language. Returns ``(caption, created)``.

    Errors: ``NotFound`` for a video the actor may not manage; ``InvalidInput`` on
    ``language`` (not a BCP 47-style tag), ``label`` (empty or over 64 characters)
    or ``file`` (over 1 MB, not UTF-8, not WebVTT, no cue, a STYLE block). A
    replaced file is deleted once the transaction commits.
    """
    video = video_get(actor=actor, video_id=video_id)
    tag = language_tag_normalize(tag=language)
    if tag is None:
        raise InvalidInput(
            _("Use a language tag such as en, pt-BR or zh-Hant."), field="language"
        )
    label = (label or "").strip()
    if not label or len(label) > CAPTION_LABEL_MAX:
        raise InvalidInput(
            _("Give a label of 1 to %(n)d characters.") % {"n": CAPTION_LABEL_MAX},
            field="label",
        )
    data = _validated_webvtt(file)
    with transaction.atomic():
        # One writer per video at a time: two uploads in one language cannot race.
        VideoAsset.objects.select_for_update().filter(pk=video.pk).first()
        caption = VideoCaption.objects.filter(video=video, language=tag).first()
        created = caption is None
        old_name = None if created else caption.file.name
        if created:
            caption = VideoCaption(video=video, language=tag)
        caption.label = label
        caption.file.save("caption.vtt", ContentFile(data), save=False)
        new_name = caption.file.name
        try:
            caption.save()
        except BaseException:
            _delete_file(new_name)
            raise
        if old_name:
            transaction.on_commit(lambda: _delete_file(old_name))
        audit_log_record(
            action="video.caption_added" if created else "video.caption_replaced",
            user=actor,
            resource_type="video",
            resource_id=video.pk,
            details={"language": tag},
        )
    return caption, created


def caption_delete(*, actor: User, video_id: int, language: str) -> VideoCaption:
    """Remove a video's caption track in ``language`` (owner, admins); the file is
    deleted once the transaction commits. ``NotFound`` when there is none."""
    video = video_get(actor=actor, video_id=video_id)
    tag = language_tag_normalize(tag=language)
    with transaction.atomic():
        caption = (
            VideoCaption.objects.select_for_update()
            .filter(video=video, language=tag or "-")
            .first()
        )
        if caption is None:
            raise NotFound(_("Caption not found."))
        name = caption.file.name
        caption.delete()
        transaction.on_commit(lambda: _delete_file(name))
        audit_log_record(
            action="video.caption_deleted",
            user=actor,
            resource_type="video",
            resource_id=video.pk,
            details={"language": caption.language},
        )
    return caption


def _delete_file(name: str) -> None:
    if name:
        VideoCaption._meta.get_field("file").storage.delete(name)
