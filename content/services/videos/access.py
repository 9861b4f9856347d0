"""Who may watch a video, with the answers cached under versioned keys, and the
module → video index the rule reads (``VideoUsage``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.errors import DomainError, NotFound

from ...access import Showing, content_readable, trusted_uploader_q
from ...media import VideoAsset, VideoStatus, VideoUsage
from ...models import ModulePage

VIEWER_CACHE_SECONDS = 60
# Version keys outlive every answer cached under them (see _viewer_versions).
VIEWER_VERSION_SECONDS = 2 * VIEWER_CACHE_SECONDS


class ViewerNotAuthenticated(DomainError):
    """An anonymous visitor asked for a video that is not a free preview."""

    code = "NOT_AUTHENTICATED"
    status = 401


def video_usages_sync(*, module: ModulePage) -> None:
    """Re-index the videos a module shows (its live body's ``video`` blocks), with
    the module's free-preview flag, and drop cached access answers for the videos it
    showed before and shows now."""
    before = set(
        VideoUsage.objects.filter(module_id=module.pk).values_list(
            "video_id", flat=True
        )
    )
    VideoUsage.objects.filter(module_id=module.pk).delete()
    live = ModulePage.objects.filter(pk=module.pk, live=True).first()
    existing: list[int] = []
    if live is not None:
        ids = {
            block.value.get("video_id")
            for block in live.body
            if block.block_type == "video" and block.value.get("video_id")
        }
        course = live.get_parent().specific
        # Only videos the course's instructor or an admin uploaded: a body edited by
        # hand (a crafted editor POST) cannot publish someone else's video.
        existing = list(
            VideoAsset.objects.filter(pk__in=ids)
            .filter(
                trusted_uploader_q(
                    field="owner", instructor_id=getattr(course, "instructor_id", None)
                )
            )
            .values_list("pk", flat=True)
        )
        VideoUsage.objects.bulk_create(
            [
                VideoUsage(
                    module_id=live.pk,
                    course_id=course.pk,
                    video_id=pk,
                    free_preview=live.is_free_preview,
                )
                for pk in existing
            ],
            ignore_conflicts=True,
        )
    changed = before | set(existing)
    if changed:
        _viewer_cache_reset(video_ids=changed)


def video_viewer_cache_reset(*, user_id: int) -> None:
    """Forget the cached access answers of one user (all their videos).

    Call it when what a user may watch changes outside this app, e.g. when they
    enroll or unenroll (``learning.services``). The reset happens now and again once
    the surrounding transaction commits, so a request racing the change cannot cache
    the old answer under the new version.
    """
    _viewer_cache_reset(user_ids=[user_id])
    transaction.on_commit(lambda: _viewer_cache_reset(user_ids=[user_id]))


def video_viewer_cache_reset_for_course(*, course_id: int) -> None:
    """Forget the cached access answers for every video a course shows.

    Call it when something of the course itself that ``video_may_watch`` reads
    changes: archiving and restoring it (an archived course shows no free preview).
    Like ``video_viewer_cache_reset``, the reset happens now and again once the
    surrounding transaction commits.
    """
    video_ids = set(
        VideoUsage.objects.filter(course_id=course_id).values_list(
            "video_id", flat=True
        )
    )
    if video_ids:
        _viewer_cache_reset(video_ids=video_ids)
        transaction.on_commit(lambda: _viewer_cache_reset(video_ids=video_ids))


def _viewer_cache_reset(*, user_ids=(), video_ids=()) -> None:
    keys = [_user_version_key(pk) for pk in user_ids]
    keys += [_video_version_key(pk) for pk in video_ids]
    # A fresh random version per reset: answers cached under older versions are
    # never read again and expire on their own.
    cache.set_many({key: uuid.uuid4().hex[:12] for key in keys}, VIEWER_VERSION_SECONDS)


def _user_version_key(user_id) -> str:
    return f"video:viewer:v:{user_id}"


def _video_version_key(video_id) -> str:
    return f"video:viewer:vv:{video_id}"


def _video_showings(video: VideoAsset):
    """The courses whose live modules show ``video`` (one query, read lazily by the
    rule): members watch it there, anyone in a free preview of a live, non-archived
    course. The index holds only videos the course may show (``video_usages_sync``)."""
    usages = VideoUsage.objects.filter(video=video, module__live=True).values_list(
        "course_id",
        "course__instructor_id",
        "course__live",
        "course__archived_at",
        "free_preview",
    )
    for course_id, instructor_id, course_live, archived_at, free_preview in usages:
        yield Showing(
            course_id=course_id,
            instructor_id=instructor_id,
            members=True,
            public=free_preview and course_live and archived_at is None,
        )


def video_may_watch(*, actor: User | AnonymousUser, video: VideoAsset) -> bool:
    """Whether ``actor`` (a user, or anonymous) may play ``video``
    (``content.access``): its owner and admins; the instructor of a course showing
    it; anyone, signed in or not, when a live free-preview module of a live course
    shows it; and members of a course whose live module shows it.

    Answers other than the owner's and admins' are cached for
    ``VIEWER_CACHE_SECONDS`` (a player asks for a segment every few seconds) under
    the user's and the video's cache versions, which ``video_viewer_cache_reset``,
    ``video_viewer_cache_reset_for_course`` and ``video_usages_sync`` change.
    """
    signed_in = bool(getattr(actor, "is_authenticated", False))
    if signed_in and (is_admin(actor) or video.owner_id == actor.pk):
        return True
    user_key = _user_version_key(actor.pk) if signed_in else None
    video_key = _video_version_key(video.pk)
    versions = cache.get_many([k for k in (user_key, video_key) if k])
    key = "video:viewer:{who}:{video}:{uv}:{vv}".format(
        who=actor.pk if signed_in else "anon",
        video=video.pk,
        uv=versions.get(user_key, "0"),
        vv=versions.get(video_key, "0"),
    )
    allowed = cache.get(key)
    if allowed is None:
        allowed = content_readable(user=actor, showings=_video_showings(video))
        cache.set(key, allowed, VIEWER_CACHE_SECONDS)
    return allowed


def video_get_for_viewer(*, actor: User | AnonymousUser, video_id: int) -> VideoAsset:
    """The asset for watching (see ``video_may_watch``). Raises ``NotFound`` for a
    missing video or a signed-in user who may not watch it (its existence is
    private), ``ViewerNotAuthenticated`` for an anonymous visitor."""
    asset = VideoAsset.objects.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    if video_may_watch(actor=actor, video=asset):
        return asset
    if not getattr(actor, "is_authenticated", False):
        raise ViewerNotAuthenticated(_("Sign in to watch this video."))
    raise NotFound(_("Video not found."))


def video_get(*, actor: User, video_id: int) -> VideoAsset:
    """The asset (with its captions) if ``actor`` owns it or is an admin;
    ``NotFound`` otherwise (its existence is private)."""
    assets = VideoAsset.objects.select_related("owner").prefetch_related("captions")
    if not is_admin(actor):
        assets = assets.filter(owner=actor)
    asset = assets.filter(pk=video_id).first()
    if asset is None:
        raise NotFound(_("Video not found."))
    return asset


def video_ready_map(*, video_ids: Iterable[object]) -> dict[int, VideoAsset]:
    """Ready assets with their captions by id, for the players of a rendered page
    (two queries however many). Missing and unfinished videos are left out; whether
    the viewer may watch one is ``video_may_watch``."""
    ids = {pk for pk in video_ids if isinstance(pk, int) and not isinstance(pk, bool)}
    if not ids:
        return {}
    assets = VideoAsset.objects.filter(
        pk__in=ids, status=VideoStatus.READY
    ).prefetch_related("captions")
    return {asset.pk: asset for asset in assets}
