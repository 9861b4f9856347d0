"""Videos API (API.md: Videos): upload, status, and the access-checked HLS files.

Playlists, segments, the poster and caption tracks are served by ``VideoFileView``
to whoever ``video_services.video_may_watch`` admits (owner, admins, enrolled
learners; anyone for a free-preview module): Django checks access, then answers with
``X-Accel-Redirect`` to Nginx's internal ``/protected/`` location when
``MEDIA_ACCEL_REDIRECT`` is on, or streams it with byte ranges, or (media on object
storage) redirects to a short-lived presigned URL (``portal.files``). Variant
playlists come with their segment lines rewritten to signed Nginx URLs or presigned
object-storage URLs, so segments need no further check. The master playlist and the
caption playlists are written per request (captions change after transcoding).
"""

import posixpath
import re
from pathlib import PurePosixPath

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.permissions import MFAEnrolled, RolePermission
from portal.errors import NotFound
from portal.files import stored_file_response

from ..media import VideoAsset, VideoCaption, VideoStatus
from ..services import videos as video_services
from ..services.videos.playlists import caption_url, video_file_url

TAGS = ["videos"]
VIDEO_ID = OpenApiParameter(
    "video_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Video id."
)
# Files of an HLS output: master/rendition playlists, segments, the poster; and a
# caption track (WebVTT) with its subtitle playlist.
FILE_PATTERN = (
    r"(?:[0-9]{3,4}p/)?[a-z0-9_]{1,40}\.(?:m3u8|ts|jpg)"
    r"|captions/[A-Za-z0-9-]{2,35}\.(?:vtt|webvtt|m3u8)"
)
# <language>.vtt: the uploaded track (for <track> elements and apps);
# <language>.m3u8 and <language>.webvtt: its HLS subtitle playlist and segment.
CAPTION_FILE = re.compile(
    r"captions/(?P<language>[A-Za-z0-9-]+)\.(?P<ext>vtt|webvtt|m3u8)"
)
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
}
# A rendition's playlist (``360p/index.m3u8``), rewritten with signed segment URLs
# when Nginx checks them (``video_services.segments_signed``).
VARIANT_PLAYLIST = re.compile(r"[0-9]{3,4}p/[a-z0-9_]{1,40}\.m3u8")
# Playlists written per request change with the captions: cached briefly.
GENERATED_CACHE_CONTROL = "private, max-age=60"


class VideoUploadInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    file = serializers.FileField(allow_empty_file=False)


class VideoCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=VideoStatus.choices)


class RenditionOutput(serializers.Serializer):
    name = serializers.CharField()
    height = serializers.IntegerField()
    bandwidth = serializers.IntegerField(help_text="Peak bits per second.")


class CaptionOutput(serializers.Serializer):
    language = serializers.CharField(help_text="BCP 47 language tag.")
    label = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text="The WebVTT file, served to whoever may watch the video."
    )

    def get_url(self, caption) -> str:
        return caption_url(caption=caption)


class VideoOutput(VideoCreatedOutput):
    error = serializers.CharField(allow_blank=True)
    duration = serializers.FloatField(allow_null=True, help_text="Seconds.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    renditions = serializers.SerializerMethodField()
    playlist_url = serializers.SerializerMethodField(
        help_text="The HLS master playlist; null until ready."
    )
    poster_url = serializers.SerializerMethodField(help_text="Null until ready.")
    captions = CaptionOutput(many=True, read_only=True)

    @staticmethod
    def _ready(video) -> bool:
        return video.status == VideoStatus.READY

    def get_renditions(self, video) -> list[dict]:
        if not self._ready(video):
            return []
        return RenditionOutput(video.renditions, many=True).data

    def get_playlist_url(self, video) -> str | None:
        return (
            video_file_url(video=video, name="master.m3u8")
            if self._ready(video)
            else None
        )

    def get_poster_url(self, video) -> str | None:
        return (
            video_file_url(video=video, name="poster.jpg")
            if self._ready(video)
            else None
        )


class VideoListView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [
        IsAuthenticated,
        MFAEnrolled,
        RolePermission.require("video:upload"),
    ]

    @extend_schema(
        request={"multipart/form-data": VideoUploadInput},
        responses={201: VideoCreatedOutput},
        tags=TAGS,
        description="Upload a video (instructors, admins): MP4/MOV, WebM/Matroska, "
        "AVI or MPEG-TS. It is probed with ffprobe (not a video, another format such "
        "as an HLS playlist, or over `VIDEO_MAX_UPLOAD_MB`: 400 on `file`) and "
        "transcoded to HLS in the background; poll `GET /videos/{id}` for `ready`.",
    )
    def post(self, request, *args, **kwargs):
        data = VideoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_services.video_upload(
            actor=request.user,
            title=data.validated_data["title"],
            file=data.validated_data["file"],
        )
        return Response(VideoCreatedOutput(video).data, status=status.HTTP_201_CREATED)


class VideoDetailView(APIView):
    @extend_schema(parameters=[VIDEO_ID], responses={200: VideoOutput}, tags=TAGS)
    def get(self, request, video_id, *args, **kwargs):
        video = video_services.video_get(actor=request.user, video_id=int(video_id))
        return Response(VideoOutput(video).data)


class CaptionUploadInput(serializers.Serializer):
    # The documented pattern is the one the service checks.
    language = serializers.RegexField(
        rf"^(?:{video_services.LANGUAGE_TAG.pattern})$",
        max_length=video_services.LANGUAGE_TAG_MAX,
        trim_whitespace=False,
        error_messages={
            "invalid": _("Use a language tag such as en, pt-BR or zh-Hant.")
        },
        help_text="BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`).",
    )
    label = serializers.CharField(
        max_length=video_services.CAPTION_LABEL_MAX,
        help_text="Shown in the player's caption menu.",
    )
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="A UTF-8 WebVTT file (starts with `WEBVTT`, has cues), at most 1 MB.",
    )


class CaptionDeletedOutput(serializers.Serializer):
    language = serializers.CharField()
    label = serializers.CharField()


LANGUAGE = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Language tag.",
    pattern=r"^[A-Za-z0-9-]{1,35}$",
)


class VideoCaptionListView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [
        IsAuthenticated,
        MFAEnrolled,
        RolePermission.require("video:upload"),
    ]

    @extend_schema(
        parameters=[VIDEO_ID],
        request={"multipart/form-data": CaptionUploadInput},
        responses={201: CaptionOutput, 200: CaptionOutput},
        tags=TAGS,
        description="Add a WebVTT caption track to a video (its owner, admins): 201. "
        "A track in the same language is replaced: 200. Invalid `language`, "
        "`label` or `file` (over 1 MB, not UTF-8, not WebVTT, no cue, a STYLE "
        "block): 400 naming "
        "the field. The track is served with the playlist's access rule, listed in "
        "the video's `captions` and in the master playlist's subtitles group.",
    )
    def post(self, request, video_id, *args, **kwargs):
        data = CaptionUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        caption, created = video_services.caption_upsert(
            actor=request.user,
            video_id=int(video_id),
            language=data.validated_data["language"],
            label=data.validated_data["label"],
            file=data.validated_data["file"],
        )
        return Response(
            CaptionOutput(caption).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VideoCaptionDetailView(APIView):
    permission_classes = [
        IsAuthenticated,
        MFAEnrolled,
        RolePermission.require("video:upload"),
    ]

    @extend_schema(
        parameters=[VIDEO_ID, LANGUAGE],
        request=None,
        responses={200: CaptionDeletedOutput},
        tags=TAGS,
        description="Remove a video's caption track (its owner, admins): 200 with "
        "the removed track's language and label; 404 when there is none.",
    )
    def delete(self, request, video_id, language, *args, **kwargs):
        caption = video_services.caption_delete(
            actor=request.user, video_id=int(video_id), language=language
        )
        return Response(CaptionDeletedOutput(caption).data)


class VideoFileView(APIView):
    # Anyone may ask: the rule is ``video_services.video_may_watch`` (anonymous
    # visitors get 401 unless the video is in a free-preview module).
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            VIDEO_ID,
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="`master.m3u8`, `<rendition>/index.m3u8`, a segment, "
                "`poster.jpg`, a caption track `captions/<language>.vtt`, or its "
                "HLS subtitle playlist `captions/<language>.m3u8` and segment "
                "`captions/<language>.webvtt`.",
                pattern=rf"^(?:{FILE_PATTERN})$",
            ),
        ],
        responses={
            (200, "application/vnd.apple.mpegurl"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (or X-Accel-Redirect)."
            )
        },
        tags=TAGS,
    )
    def get(self, request, video_id, name, *args, **kwargs):
        video = video_services.video_get_for_viewer(
            actor=request.user, video_id=int(video_id)
        )
        generated = _generated(video, name)
        if generated is not None:
            text, content_type = generated
            response = HttpResponse(text, content_type=content_type)
            response["Cache-Control"] = GENERATED_CACHE_CONTROL
            response["X-Content-Type-Options"] = "nosniff"
            return response
        if VARIANT_PLAYLIST.fullmatch(name) and (
            video_services.segments_signed() or video_services.segments_presigned()
        ):
            # One access check per playlist: its segments go to Nginx signed, or
            # to the object storage presigned.
            return _variant_playlist(video, name)
        caption = _caption_file(video, name)
        stored = caption.file.name if caption else _ready_file(video, name)
        suffix = PurePosixPath(stored).suffix
        return stored_file_response(
            request,
            storage=caption.file.storage if caption else video.original.storage,
            name=stored,
            content_type=CONTENT_TYPES[suffix],
            filename=PurePosixPath(name).name,
            cache_control=FILE_CACHE_CONTROL.get(suffix, "private, no-cache"),
            # A <track> element loads captions from this origin only.
            proxy=caption is not None,
        )


def _variant_playlist(video: VideoAsset, name: str) -> HttpResponse:
    stored = _ready_file(video, name)
    storage = video.original.storage
    try:
        if video_services.segments_presigned():
            text = video_services.presigned_variant_playlist_text(
                video=video, name=name, storage=storage
            )
        else:
            with storage.open(stored, "rb") as handle:
                text = video_services.signed_variant_playlist_text(
                    video=video, name=name, text=handle.read().decode("utf-8")
                )
    except FileNotFoundError:
        raise NotFound("File not found.") from None
    response = HttpResponse(text, content_type=CONTENT_TYPES[".m3u8"])
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Segments and the poster of a ready output never change; playlists and captions
# are re-read so that changes (and revoked access) show up quickly.
FILE_CACHE_CONTROL = {
    ".ts": "private, max-age=604800, immutable",
    ".jpg": "private, max-age=86400",
}


def _generated(video: VideoAsset, name: str) -> tuple[str, str] | None:
    """``(text, content type)`` of the files written per request: the master
    playlist, a caption's subtitle playlist and its HLS WebVTT segment; None for
    every other file."""
    caption_match = CAPTION_FILE.fullmatch(name)
    ext = caption_match["ext"] if caption_match else None
    if name != "master.m3u8" and ext not in ("m3u8", "webvtt"):
        return None
    if video.status != VideoStatus.READY or not video.hls_path:
        raise NotFound("File not found.")
    if caption_match is None:
        captions = list(VideoCaption.objects.filter(video=video).order_by("pk"))
        text = video_services.served_master_playlist_text(
            video=video, captions=captions
        )
        return text, CONTENT_TYPES[".m3u8"]
    caption = _caption(video, caption_match["language"])
    if ext == "m3u8":
        text = video_services.subtitle_playlist_text(video=video, caption=caption)
        return text, CONTENT_TYPES[".m3u8"]
    try:
        text = video_services.subtitle_segment_text(caption=caption)
    except OSError:
        raise NotFound("File not found.") from None
    return text, CONTENT_TYPES[".vtt"]


def _caption(video: VideoAsset, language: str) -> VideoCaption:
    tag = video_services.language_tag_normalize(tag=language)
    caption = VideoCaption.objects.filter(video=video, language=tag or "-").first()
    if caption is None:
        raise NotFound("File not found.")
    return caption


def _caption_file(video: VideoAsset, name: str) -> VideoCaption | None:
    """The caption of ``captions/<language>.vtt``; None for other names."""
    match = CAPTION_FILE.fullmatch(name)
    if match is None or match["ext"] != "vtt":
        return None
    return _caption(video, match["language"])


def _ready_file(video: VideoAsset, name: str) -> str:
    """The storage name of the file ``name`` of a ready asset's HLS output;
    ``NotFound`` for anything else, including names that would leave the asset's
    folder. (A missing file is refused when it is served.)"""
    if video.status != VideoStatus.READY or not video.hls_path:
        raise NotFound("File not found.")
    base = posixpath.normpath(video.hls_path)
    stored = posixpath.normpath(posixpath.join(base, name))
    if not stored.startswith(f"{base}/"):
        raise NotFound("File not found.")
    return stored
