"""Video services, by concern:

- ``probe``: ffprobe, whether a file is a video;
- ``upload``: storing an upload (validated before anything is kept);
- ``transcode``: the HLS rendition ladder and ffmpeg runs;
- ``access``: who may watch, the cached answers and the module → video index;
- ``playlists``: the HLS playlists players read;
- ``captions``: WebVTT caption tracks.

Callers import from here (``from content.services.videos import video_upload``);
the names below are the package's public interface.
"""

from .access import (
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
    LANGUAGE_TAG,
    LANGUAGE_TAG_MAX,
    caption_delete,
    caption_upsert,
    language_tag_normalize,
)
from .playlists import (
    master_playlist_text,
    presigned_variant_playlist_text,
    segments_presigned,
    segments_signed,
    served_master_playlist_text,
    signed_folder_url,
    signed_variant_playlist_text,
    subtitle_playlist_text,
    subtitle_segment_text,
)
from .transcode import rendition_ladder, video_transcode, videos_requeue_stuck
from .upload import video_upload

__all__ = [
    "CAPTION_LABEL_MAX",
    "LANGUAGE_TAG",
    "LANGUAGE_TAG_MAX",
    "caption_delete",
    "caption_upsert",
    "language_tag_normalize",
    "master_playlist_text",
    "presigned_variant_playlist_text",
    "rendition_ladder",
    "segments_presigned",
    "segments_signed",
    "served_master_playlist_text",
    "signed_folder_url",
    "signed_variant_playlist_text",
    "subtitle_playlist_text",
    "subtitle_segment_text",
    "video_get",
    "video_get_for_viewer",
    "video_may_watch",
    "video_ready_map",
    "video_transcode",
    "video_upload",
    "video_usages_sync",
    "video_viewer_cache_reset",
    "video_viewer_cache_reset_for_course",
    "videos_requeue_stuck",
]
