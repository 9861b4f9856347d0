"""Course and module API routes (see content/api/). Every path works with and
without a trailing slash."""

from django.urls import re_path

from . import api, video_api

COURSE = r"^courses/(?P<course_id>[1-9][0-9]{0,17})"
VIDEO = r"^videos/(?P<video_id>[1-9][0-9]{0,17})"

urlpatterns = [
    re_path(r"^courses/?$", api.CourseListView.as_view(), name="course-list"),
    re_path(rf"{COURSE}/?$", api.CourseDetailView.as_view(), name="course-detail"),
    re_path(
        rf"{COURSE}/submit/?$", api.CourseSubmitView.as_view(), name="course-submit"
    ),
    re_path(
        rf"{COURSE}/publish/?$", api.CoursePublishView.as_view(), name="course-publish"
    ),
    re_path(
        rf"{COURSE}/modules/?$", api.ModuleListView.as_view(), name="course-modules"
    ),
    re_path(r"^videos/?$", video_api.VideoListView.as_view(), name="video-list"),
    re_path(rf"{VIDEO}/?$", video_api.VideoDetailView.as_view(), name="video-detail"),
    re_path(
        rf"{VIDEO}/captions/?$",
        video_api.VideoCaptionListView.as_view(),
        name="video-captions",
    ),
    re_path(
        rf"{VIDEO}/captions/(?P<language>[A-Za-z0-9-]{{1,35}})/?$",
        video_api.VideoCaptionDetailView.as_view(),
        name="video-caption",
    ),
    re_path(
        rf"{VIDEO}/hls/(?P<name>{video_api.FILE_PATTERN})$",
        video_api.VideoFileView.as_view(),
        name="video-file",
    ),
]
