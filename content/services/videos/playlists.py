"""HLS playlists served to players: the master playlist (with caption tracks) and
the subtitle playlists and segments wrapping a caption's WebVTT file."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from ...media import VideoAsset, VideoCaption


def master_playlist_text(
    *, video: VideoAsset, captions: Iterable[VideoCaption] = ()
) -> str:
    """The HLS master playlist of a ready asset: one variant per rendition and, when
    the video has captions, a ``subs`` group with one subtitle playlist per
    language (``captions/<language>.m3u8``)."""
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
        lines.append(r["playlist"])
    return "\n".join(lines) + "\n"


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
