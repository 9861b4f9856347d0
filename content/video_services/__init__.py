"""Video services, by concern:

- ``probe``: ffprobe, whether a file is a video;
- ``upload``: storing an upload (validated before anything is kept);
- ``transcode``: the HLS rendition ladder and ffmpeg runs;
- ``access``: who may watch, the cached answers and the module → video index;
- ``playlists``: the HLS playlists players read;
- ``captions``: WebVTT caption tracks.

Callers import from here (``from content.video_services import video_upload``);
the names below are the package's public interface. ``VIDEO_VIEWER_CHECKS`` is the
one list defined in ``access``, re-exported as the same object.
"""

from .access import (
    VIDEO_VIEWER_CHECKS,
    VIEWER_CACHE_SECONDS,
    VIEWER_VERSION_SECONDS,
    ViewerNotAuthenticated,
    video_get,
    video_get_for_viewer,
    video_may_watch,
    video_ready_map,
    video_usages_sync,
    video_viewer_cache_reset,
    video_viewer_cache_reset_for_course,
)
from .captions import (
    CAPTION_LABEL_MAX,
    CAPTION_MAX_BYTES,
    LANGUAGE_TAG,
    LANGUAGE_TAG_MAX,
    WEBVTT_SIGNATURE,
    caption_delete,
    caption_upsert,
    language_tag_normalize,
)
from .playlists import (
    HLS_MPEGTS_START,
    master_playlist_text,
    subtitle_playlist_text,
    subtitle_segment_text,
)
from .probe import NotAVideo, ProbeResult, video_probe
from .transcode import (
    AUDIO_BITRATE,
    ERROR_MAX_CHARS,
    HLS_TIME,
    LADDER,
    TMP_PREFIX,
    Rung,
    rendition_ladder,
    video_transcode,
    videos_requeue_stuck,
)
from .upload import video_upload

__all__ = [
    "AUDIO_BITRATE",
    "CAPTION_LABEL_MAX",
    "CAPTION_MAX_BYTES",
    "ERROR_MAX_CHARS",
    "HLS_MPEGTS_START",
    "HLS_TIME",
    "LADDER",
    "LANGUAGE_TAG",
    "LANGUAGE_TAG_MAX",
    "TMP_PREFIX",
    "VIDEO_VIEWER_CHECKS",
    "VIEWER_CACHE_SECONDS",
    "VIEWER_VERSION_SECONDS",
    "WEBVTT_SIGNATURE",
    "NotAVideo",
    "ProbeResult",
    "Rung",
    "ViewerNotAuthenticated",
    "caption_delete",
    "caption_upsert",
    "language_tag_normalize",
    "master_playlist_text",
    "rendition_ladder",
    "subtitle_playlist_text",
    "subtitle_segment_text",
    "video_get",
    "video_get_for_viewer",
    "video_may_watch",
    "video_probe",
    "video_ready_map",
    "video_transcode",
    "video_upload",
    "video_usages_sync",
    "video_viewer_cache_reset",
    "video_viewer_cache_reset_for_course",
    "videos_requeue_stuck",
]
