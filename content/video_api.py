"""Videos API (API.md: Videos): upload, status, and the access-checked HLS files.

Playlists, segments and the poster are served by ``VideoFileView`` to the owner and
admins (learner access through modules comes later): Django checks access, then
answers with ``X-Accel-Redirect`` to Nginx's internal ``/protected/`` location when
``MEDIA_ACCEL_REDIRECT`` is on, or sends the file itself (development, tests).
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.permissions import MFAEnrolled, RolePermission
from portal.errors import NotFound

from . import video_services
from .media import VideoAsset, VideoStatus

TAGS = ["videos"]
VIDEO_ID = OpenApiParameter(
    "video_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Video id."
)
# Files of an HLS output: master/rendition playlists, segments, the poster.
FILE_PATTERN = r"(?:[0-9]{3,4}p/)?[a-z0-9_]{1,40}\.(?:m3u8|ts|jpg)"
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
}


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

    @staticmethod
    def _ready(video) -> bool:
        return video.status == VideoStatus.READY

    def get_renditions(self, video) -> list[dict]:
        if not self._ready(video):
            return []
        return RenditionOutput(video.renditions, many=True).data

    def get_playlist_url(self, video) -> str | None:
        return video_file_url(video, "master.m3u8") if self._ready(video) else None

    def get_poster_url(self, video) -> str | None:
        return video_file_url(video, "poster.jpg") if self._ready(video) else None


def video_file_url(video, name: str) -> str:
    return f"/api/v1/videos/{video.pk}/hls/{name}"


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
        description="Upload a video (instructors, admins). It is probed with ffprobe "
        "(not a video, or over `VIDEO_MAX_UPLOAD_MB`: 400 on `file`) and transcoded "
        "to HLS in the background; poll `GET /videos/{id}` for `ready`.",
    )
    def post(self, request, *args, **kwargs):
        data = VideoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_services.video_upload(
            owner=request.user,
            title=data.validated_data["title"],
            file=data.validated_data["file"],
        )
        return Response(VideoCreatedOutput(video).data, status=status.HTTP_201_CREATED)


class VideoDetailView(APIView):
    @extend_schema(parameters=[VIDEO_ID], responses={200: VideoOutput}, tags=TAGS)
    def get(self, request, video_id, *args, **kwargs):
        video = video_services.video_get(actor=request.user, video_id=int(video_id))
        return Response(VideoOutput(video).data)


class VideoFileView(APIView):
    @extend_schema(
        parameters=[
            VIDEO_ID,
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="`master.m3u8`, `<rendition>/index.m3u8`, a segment, "
                "or `poster.jpg`.",
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
        path = _ready_file(video, name)
        content_type = CONTENT_TYPES[path.suffix]
        if settings.MEDIA_ACCEL_REDIRECT:
            relative = path.relative_to(Path(settings.MEDIA_ROOT).resolve())
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = f"/protected/{relative.as_posix()}"
        else:
            response = FileResponse(path.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response


def _ready_file(video: VideoAsset, name: str) -> Path:
    """The file ``name`` of a ready asset's HLS output; ``NotFound`` for anything
    else, including paths that would leave the asset's directory."""
    if video.status != VideoStatus.READY or not video.hls_path:
        raise NotFound("File not found.")
    base = (Path(settings.MEDIA_ROOT) / video.hls_path).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise NotFound("File not found.")
    return path
