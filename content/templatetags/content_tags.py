"""Template helpers for the rendered course pages: the catalog link in the site
header, how durations, prices and code languages read, and what a video block
offers the viewer."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.blocks import CODE_LANGUAGES
from content.models import CourseIndexPage
from content.services import videos as video_services
from content.services.videos.playlists import caption_url, video_file_url

register = template.Library()

CURRENCY_SYMBOL = "$"
_LANGUAGE_LABELS = dict(CODE_LANGUAGES)


@register.simple_tag(takes_context=True)
def catalog_url(context) -> str:
    """The catalog's URL on this site, or "" before it exists. Error pages render
    without a request (and maybe without a database): they get no link."""
    request = context.get("request")
    if request is None:
        return ""
    catalog = CourseIndexPage.objects.live().first()
    return (catalog.get_url(request) or "") if catalog else ""


@register.filter
def duration(minutes) -> str:
    """90 → "1 h 30 min"; 45 → "45 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(n)d min", "%(n)d min", rest) % {"n": rest}
    if not rest:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


@register.filter
def price(amount) -> str:
    """0 → "Free"; 49 → "$49"; 49.5 → "$49.50"."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount <= 0:
        return _("Free")
    if amount == amount.to_integral_value():
        return f"{CURRENCY_SYMBOL}{amount:,.0f}"
    return f"{CURRENCY_SYMBOL}{amount:,.2f}"


@register.filter
def code_language(value: str) -> str:
    """The readable name of a code block's language ("bash" → "Shell")."""
    return _LANGUAGE_LABELS.get(value, value)


@register.simple_tag(takes_context=True)
def video_player(context, value) -> dict:
    """What a video block shows the viewer: ``state`` is ``playable`` (with the
    asset, its playlist and poster URLs and caption tracks), ``locked`` (the viewer
    may not watch it: not enrolled, not a free preview) or ``unavailable`` (missing
    or not transcoded yet)."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    video_id = value.get("video_id") if hasattr(value, "get") else None
    known, videos = _page_videos(context)
    if video_id in known:
        asset = videos.get(video_id)
    else:  # a block rendered outside its page's body (e.g. an editor preview)
        asset = video_services.video_ready_map(video_ids=[video_id]).get(video_id)
    if asset is None:
        return {"state": "unavailable"}
    if not video_services.video_may_watch(actor=actor, video=asset):
        return {"state": "locked"}
    return {
        "state": "playable",
        "video": asset,
        "playlist_url": video_file_url(video=asset, name="master.m3u8"),
        "poster_url": video_file_url(video=asset, name="poster.jpg"),
        "captions": [
            {"language": c.language, "label": c.label, "url": caption_url(caption=c)}
            for c in asset.captions.all()
        ],
    }


def _page_videos(context) -> tuple[set, dict]:
    """The ready assets of every video block of the page being rendered, loaded
    together by the first player and kept on the request for the others."""
    request = context.get("request")
    page = context.get("page")
    memo = getattr(request, "_page_videos", None) if request is not None else None
    if memo is not None and memo[0] == getattr(page, "pk", None):
        return memo[1], memo[2]
    body = getattr(page, "body", None) or []
    ids = {
        block.value.get("video_id")
        for block in body
        if getattr(block, "block_type", None) == "video"
    }
    videos = video_services.video_ready_map(video_ids=ids)
    if request is not None:
        request._page_videos = (getattr(page, "pk", None), ids, videos)
    return ids, videos
