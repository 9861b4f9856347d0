"""HLS playlists served to players: the master playlist (with caption tracks) and
the subtitle playlists and segments wrapping a caption's WebVTT file."""

from __future__ import annotations

import base64
import hashlib
import math
import posixpath
import re
import time
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import Storage, default_storage

from portal.storage import presigned_url, storage_is_local

from ...media import VideoAsset, VideoCaption


def master_playlist_text(
    *,
    video: VideoAsset,
    captions: Iterable[VideoCaption] = (),
    variant_prefix: str = "",
) -> str:
    """The HLS master playlist of a ready asset: one variant per rendition and, when
    the video has captions, a ``subs`` group with one subtitle playlist per
    language (``captions/<language>.m3u8``). ``variant_prefix`` goes before each
    variant's path (``signed_folder_url``: the variants and their segments are then
    Nginx's to serve); without it the paths are relative to the master's URL."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for index, caption in enumerate(captions):
        lines.append(
            '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",'
            f'NAME="{_quoted(caption.label)}",LANGUAGE="{caption.language}",'
            f"DEFAULT={'YES' if index == 0 else 'NO'},AUTOSELECT=YES,"
            f'URI="captions/{caption.language}.m3u8"'
        )
    subtitles = ',SUBTITLES="subs"' if captions else ""
    for r in video.renditions:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={r['bandwidth']},"
            f'RESOLUTION={r["width"]}x{r["height"]},NAME="{r["name"]}"{subtitles}'
        )
        lines.append(variant_prefix + r["playlist"])
    return "\n".join(lines) + "\n"


def served_master_playlist_text(
    *, video: VideoAsset, captions: Iterable[VideoCaption] = ()
) -> str:
    """The master playlist as the API serves it to a viewer: behind Nginx with a
    signing secret (``segments_signed``) its variants are on the video's signed
    folder URL, so this is the one access check of a viewing until the URL
    expires; otherwise they are relative to the master's URL (the API's own)."""
    prefix = signed_folder_url(video=video) if segments_signed() else ""
    return master_playlist_text(video=video, captions=captions, variant_prefix=prefix)


def subtitle_playlist_text(*, video: VideoAsset, caption: VideoCaption) -> str:
    """A one-segment HLS subtitle playlist wrapping a caption's WebVTT file (the
    segment is ``subtitle_segment_text``)."""
    duration = max(video.duration or 0.0, 0.001)
    return (
        "\n".join(
            [
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                f"#EXT-X-TARGETDURATION:{math.ceil(duration)}",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                f"#EXTINF:{duration:.3f},",
                f"{caption.language}.webvtt",
                "#EXT-X-ENDLIST",
            ]
        )
        + "\n"
    )


# Where the transcoder's MPEG-TS timeline starts: ffmpeg's mpegts muxer delays the
# first timestamp by 1.4 s (2 x its 0.7 s default muxdelay) = 126000 at 90 kHz.
HLS_MPEGTS_START = 126_000


def subtitle_segment_text(*, caption: VideoCaption) -> str:
    """A caption's WebVTT as an HLS subtitle segment: with the ``X-TIMESTAMP-MAP``
    header that puts cue time 0 at the start of the video's MPEG-TS timeline
    (without it native HLS players show every cue 1.4 s early). Raises
    ``OSError`` when the file cannot be read."""
    with caption.file.open("rb") as handle:
        text = handle.read().decode("utf-8").removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    stamp = f"X-TIMESTAMP-MAP=MPEGTS:{HLS_MPEGTS_START},LOCAL:00:00:00.000"
    return f"{first.rstrip()}\n{stamp}\n{rest}"


def _quoted(text: str) -> str:
    # Quoted strings in a playlist cannot hold double quotes or line breaks.
    return re.sub(r'["\r\n]', "'", text)


# --- Where a video's files are served --------------------------------------------


def video_file_url(*, video: VideoAsset, name: str) -> str:
    """Where the API serves ``name`` (a playlist, segment or poster) of ``video``."""
    return video_file_url_by_id(video_id=video.pk, name=name)


def video_file_url_by_id(*, video_id: int, name: str) -> str:
    return f"/api/v1/videos/{video_id}/hls/{name}"


def caption_url(*, caption: VideoCaption) -> str:
    return video_file_url_by_id(
        video_id=caption.video_id, name=f"captions/{caption.language}.vtt"
    )


# --- Signed folder URLs (Nginx secure_link) -----------------------------------------

# Expiry times are rounded up to this step, so every viewer of a video gets the
# same URLs within a step (cacheable by browsers and proxies alike).
SIGNED_URL_STEP = 60
HLS_ROOT = "hls/"
# What Nginx's location accepts as a video's folder (under hls/) and as a file in
# it (docker/nginx.conf, location ^/hls-signed/): a signed URL names no other path.
SIGNED_FOLDER = re.compile(r"[A-Za-z0-9_-]{1,64}(?:/[A-Za-z0-9_-]{1,64}){0,7}")
SEGMENT_NAME = re.compile(r"[a-z0-9_]{1,40}\.ts")


def segments_signed() -> bool:
    """Whether a video's variant playlists and segments are served by Nginx on
    signed URLs (a secret is set and Nginx serves media) rather than through
    Django's per-file access check). Not with media on object storage, whose files
    Nginx does not have (``segments_presigned``)."""
    return bool(
        settings.HLS_SECURE_LINK_SECRET
        and settings.MEDIA_ACCEL_REDIRECT
        and storage_is_local(default_storage)
    )


def secure_link_sign(*, folder: str, expires: int) -> str:
    """Nginx's ``secure_link_md5 "$secure_link_expires:$hls_folder <secret>"``: the
    MD5 of that string, base64url without padding."""
    text = f"{expires}:{folder} {settings.HLS_SECURE_LINK_SECRET}"
    digest = hashlib.md5(text.encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_url_expiry(*, now: float | None = None) -> int:
    """When URLs signed now expire: at least ``HLS_SIGNED_URL_TTL`` seconds away,
    rounded up to ``SIGNED_URL_STEP``."""
    at = math.ceil(time.time() if now is None else now) + settings.HLS_SIGNED_URL_TTL
    return -(-at // SIGNED_URL_STEP) * SIGNED_URL_STEP


def signed_folder_url(*, video: VideoAsset, now: float | None = None) -> str:
    """``<HLS_SIGNED_PREFIX><md5>/<expires>/<folder>/``: the URL of the video's HLS
    folder, signed until ``signed_url_expiry``. Nginx serves the variant
    playlists and segments under it after checking signature and expiry, and
    because the signature is in the path, the segment lines of a variant
    playlist (relative names) resolve to signed URLs as they are: once Django has
    checked access for the master playlist, a viewer's player does not ask it
    again until the URL expires (a revoked viewer loses the video then; the
    player fetches a fresh master playlist when a signed URL is refused)."""
    folder = video.hls_path.removeprefix(HLS_ROOT)
    if not video.hls_path.startswith(HLS_ROOT) or not SIGNED_FOLDER.fullmatch(folder):
        raise ValueError(f"HLS output outside the hls/ folder: {video.hls_path!r}")
    expires = signed_url_expiry(now=now)
    signature = secure_link_sign(folder=folder, expires=expires)
    return f"{settings.HLS_SIGNED_PREFIX}{signature}/{expires}/{folder}/"


def signed_variant_playlist_text(
    *, video: VideoAsset, name: str, text: str, now: float | None = None
) -> str:
    """A variant playlist (``<rendition>/index.m3u8``) read through the API rather
    than from the master's signed URL (a client that built the path itself): each
    segment line becomes its URL under ``signed_folder_url``; tags and comments
    are kept, lines that are not a segment of the rendition's own folder
    dropped."""
    rendition = PurePosixPath(name).parent
    base = f"{signed_folder_url(video=video, now=now)}{rendition}/"
    return _segments_rewritten(text, lambda segment: base + segment)


def _segments_rewritten(text: str, url) -> str:
    """``text`` with each segment line replaced by ``url(segment)``; tags and
    comments kept, lines that are not a segment of the same folder dropped."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            lines.append(line)
            continue
        if not SEGMENT_NAME.fullmatch(stripped):
            continue
        lines.append(url(stripped))
    return "\n".join(lines) + "\n"


# --- Presigned segment URLs (object storage) ----------------------------------------

SEGMENT_CACHE_CONTROL = "private, max-age=604800, immutable"


def segments_presigned() -> bool:
    """Whether media is on object storage, where variant playlists name their
    segments by presigned URLs (players fetch them from the storage directly)."""
    return not storage_is_local(default_storage)


def presigned_variant_playlist_text(
    *, video: VideoAsset, name: str, storage: Storage, now: float | None = None
) -> str:
    """A ready asset's variant playlist (``<rendition>/index.m3u8``) read from
    object storage, each segment line replaced by a presigned URL of the segment
    that stays valid for at least ``HLS_SIGNED_URL_TTL`` seconds.

    Signing hundreds of segments costs milliseconds, so the rewritten text is kept
    in the cache for one ``SIGNED_URL_STEP`` and shared by every viewer in that
    step (URLs are signed for TTL + one step, so a cached copy served at the end of
    its step still has the TTL left). Raises ``FileNotFoundError`` when the
    playlist is not in the storage."""
    now = time.time() if now is None else now
    window = int(now // SIGNED_URL_STEP)
    digest = hashlib.sha256(f"{video.hls_path}/{name}".encode()).hexdigest()[:32]
    key = f"hls:presigned:{video.pk}:{digest}:{window}"
    text = cache.get(key)
    if text is not None:
        return text
    folder = posixpath.join(video.hls_path, posixpath.dirname(name))
    with storage.open(posixpath.join(video.hls_path, name), "rb") as handle:
        source = handle.read().decode("utf-8")
    expire = settings.HLS_SIGNED_URL_TTL + SIGNED_URL_STEP

    def url(segment: str) -> str:
        return presigned_url(
            storage,
            f"{folder}/{segment}",
            expire=expire,
            content_type="video/mp2t",
            cache_control=SEGMENT_CACHE_CONTROL,
        )

    text = _segments_rewritten(source, url)
    cache.set(key, text, SIGNED_URL_STEP)
    return text
