"""Course and module API routes (see content/api/). Every path works with and
without a trailing slash."""

from django.urls import re_path

from . import courses, modules, videos

COURSE = r"^courses/(?P<course_id>[1-9][0-9]{0,17})"
VIDEO = r"^videos/(?P<video_id>[1-9][0-9]{0,17})"

urlpatterns = [
    re_path(r"^courses/?$", courses.CourseListView.as_view(), name="course-list"),
    re_path(rf"{COURSE}/?$", courses.CourseDetailView.as_view(), name="course-detail"),
    re_path(
        rf"{COURSE}/submit/?$", courses.CourseSubmitView.as_view(), name="course-submit"
    ),
    re_path(
        rf"{COURSE}/publish/?$",
        courses.CoursePublishView.as_view(),
        name="course-publish",
    ),
    re_path(
        rf"{COURSE}/modules/?$", modules.ModuleListView.as_view(), name="course-modules"
    ),
    re_path(r"^videos/?$", videos.VideoListView.as_view(), name="video-list"),
    re_path(rf"{VIDEO}/?$", videos.VideoDetailView.as_view(), name="video-detail"),
    re_path(
        rf"{VIDEO}/captions/?$",
        videos.VideoCaptionListView.as_view(),
        name="video-captions",
    ),
    re_path(
        rf"{VIDEO}/captions/(?P<language>[A-Za-z0-9-]{{1,35}})/?$",
        videos.VideoCaptionDetailView.as_view(),
        name="video-caption",
    ),
    re_path(
        rf"{VIDEO}/hls/(?P<name>{videos.FILE_PATTERN})$",
        videos.VideoFileView.as_view(),
        name="video-file",
    ),
]
