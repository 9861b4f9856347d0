"""POST /api/v1/videos and GET /api/v1/videos/{id} (API.md: Videos)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content.media import VideoAsset, VideoStatus
from tests.content.video_clips import (
    ffconcat_naming,
    hls_playlist_naming,
    make_mpegts,
    make_webm,
    upload,
)

pytestmark = pytest.mark.django_db
# The signed-in user (JWT) and the video, one indexed query each.
QUERY_BUDGET = 2


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


class TestVideoUpload:
    def test_instructor_uploads_and_it_becomes_ready(
        self,
        client_as,
        course_instructor,
        clip,
        media_root,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client_as(course_instructor), clip(), name="../../x.mp4")
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["title"] == "Intro"
        assert data["status"] == VideoStatus.UPLOADED
        assert set(data) == {"id", "title", "status"}
        video = VideoAsset.objects.get(pk=data["id"])
        assert video.owner == course_instructor
        # The client's name is never used for a path.
        assert video.original.name.startswith("videos/originals/")
        assert "x.mp4" not in video.original.name
        assert Path(video.original.path).is_relative_to(media_root)
        assert video.status == VideoStatus.READY  # eager Celery ran on commit

    def test_large_upload_probed_from_djangos_temporary_file(
        self, client_as, course_instructor, clip, media_root, settings
    ):
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temp file
        response = upload(client_as(course_instructor), clip(audio=False))
        assert response.status_code == 201
        video = VideoAsset.objects.get(pk=response.json()["data"]["id"])
        assert video.has_audio is False
        assert Path(video.original.path).read_bytes() == clip(audio=False).read_bytes()

    def test_trailing_slash(self, client_as, course_admin, clip, media_root):
        response = client_as(course_admin).post(
            "/api/v1/videos/",
            {"title": "T", "file": SimpleUploadedFile("a.mp4", clip().read_bytes())},
            format="multipart",
        )
        assert response.status_code == 201

    @pytest.mark.parametrize(
        "content",
        [b"just some text\n" * 50, b"<!doctype html><html><body>hi</body></html>"],
        ids=["text", "html"],
    )
    def test_renamed_non_video_refused_and_nothing_kept(
        self, client_as, course_instructor, media_root, content
    ):
        response = upload(client_as(course_instructor), content=content)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["field"] == "file"
        assert "not a video file" in error["message"]
        assert not VideoAsset.objects.exists()
        assert stored_files(media_root) == []

    def test_over_size_limit_refused(
        self, client_as, course_instructor, media_root, settings, clip
    ):
        settings.VIDEO_MAX_UPLOAD_MB = 0
        response = upload(client_as(course_instructor), clip())
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["field"] == "file"
        assert "limit" in error["message"]
        assert not VideoAsset.objects.exists()
        assert stored_files(media_root) == []

    def test_missing_title_and_file(self, client_as, course_instructor, media_root):
        response = client_as(course_instructor).post(
            "/api/v1/videos", {}, format="multipart"
        )
        assert response.status_code == 400
        fields = {e["field"] for e in response.json()["errors"]}
        assert {"title", "file"} <= fields

    def test_student_forbidden(self, client_as, learner, clip, media_root):
        assert upload(client_as(learner), clip()).status_code == 403
        assert not VideoAsset.objects.exists()

    def test_anonymous_unauthenticated(self, client_as, clip, media_root):
        assert upload(client_as(None), clip()).status_code == 401


class TestHostileContainers:
    """Finding 5 of issue 13: an upload is a container holding its own media, never
    a playlist or script naming other files that ffmpeg would read for it."""

    @pytest.fixture
    def server_file(self, media_root, clip):
        """Media of the server's (another instructor's original, say) in the
        format an HLS segment has."""
        target = media_root / "videos" / "originals" / "someone-elses.ts"
        target.parent.mkdir(parents=True)
        return make_mpegts(clip(), target)

    @pytest.mark.parametrize("name", ["steal.m3u8", "holiday.mp4"])
    def test_playlist_naming_a_server_file_is_refused(
        self, client_as, course_instructor, media_root, server_file, name
    ):
        response = upload(
            client_as(course_instructor),
            content=hls_playlist_naming(server_file),
            name=name,
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["status"] == "error"
        [error] = body["errors"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["field"] == "file"
        assert "MP4" in error["message"]
        assert str(media_root) not in error["message"]
        assert not VideoAsset.objects.exists()
        assert stored_files(media_root) == [server_file]

    def test_concat_script_naming_a_neighbouring_file_is_refused(
        self, client_as, course_instructor, media_root, clip, settings, tmp_path
    ):
        # Uploads in flight share one temporary directory: a script probed there
        # could name another user's upload beside it.
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
        (tmp_path / "in-flight.mp4").write_bytes(clip().read_bytes())
        response = upload(
            client_as(course_instructor),
            content=ffconcat_naming("in-flight.mp4"),
            name="script.mp4",
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["code"] == "VALIDATION_ERROR"
        assert not VideoAsset.objects.exists()

    def test_webm_and_mpegts_are_accepted_and_transcoded(
        self,
        client_as,
        course_instructor,
        media_root,
        clip,
        clip_dir,
        tmp_path,
        django_capture_on_commit_callbacks,
    ):
        client = client_as(course_instructor)
        for path in (make_webm(clip_dir), make_mpegts(clip(), tmp_path / "clip.ts")):
            with django_capture_on_commit_callbacks(execute=True):
                response = upload(client, path, name=path.name)
            assert response.status_code == 201, response.content
            video = VideoAsset.objects.get(pk=response.json()["data"]["id"])
            assert video.status == VideoStatus.READY, video.error


class TestVideoDetail:
    def test_owner_sees_ready_video(self, client_as, course_instructor, ready_video):
        response = client_as(course_instructor).get(f"/api/v1/videos/{ready_video.pk}")
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["status"] == "ready"
        assert data["error"] == ""
        assert data["duration"] == pytest.approx(2, abs=0.2)
        assert (data["width"], data["height"]) == (1280, 720)
        assert [r["name"] for r in data["renditions"]] == ["360p", "480p", "720p"]
        assert all(
            set(r) == {"name", "height", "bandwidth"} for r in data["renditions"]
        )
        assert (
            data["playlist_url"] == f"/api/v1/videos/{ready_video.pk}/hls/master.m3u8"
        )
        assert data["poster_url"] == f"/api/v1/videos/{ready_video.pk}/hls/poster.jpg"

    def test_uploaded_video_has_no_urls_yet(
        self, client_as, course_instructor, clip, media_root
    ):
        response = upload(client_as(course_instructor), clip())
        video_id = response.json()["data"]["id"]  # on_commit not run: not transcoded
        data = client_as(course_instructor).get(f"/api/v1/videos/{video_id}/")
        data = data.json()["data"]
        assert data["status"] == "uploaded"
        assert data["renditions"] == []
        assert data["playlist_url"] is None
        assert data["poster_url"] is None
        assert (data["width"], data["height"]) == (320, 240)  # from the upload probe

    def test_query_count_bounded(
        self, client_as, course_instructor, ready_video, django_assert_max_num_queries
    ):
        client = client_as(course_instructor)
        # + one for the caption tracks (test_video_captions checks it stays one).
        with django_assert_max_num_queries(QUERY_BUDGET + 1):
            response = client.get(f"/api/v1/videos/{ready_video.pk}")
        assert response.status_code == 200

    def test_admin_sees_any(self, client_as, course_admin, ready_video):
        response = client_as(course_admin).get(f"/api/v1/videos/{ready_video.pk}")
        assert response.status_code == 200

    def test_other_instructor_not_found(self, client_as, other_instructor, ready_video):
        response = client_as(other_instructor).get(f"/api/v1/videos/{ready_video.pk}")
        assert response.status_code == 404

    def test_student_not_found(self, client_as, learner, ready_video):
        response = client_as(learner).get(f"/api/v1/videos/{ready_video.pk}")
        assert response.status_code == 404

    def test_anonymous(self, client_as, ready_video):
        assert (
            client_as(None).get(f"/api/v1/videos/{ready_video.pk}").status_code == 401
        )

    def test_unknown_id(self, client_as, course_admin, media_root):
        assert client_as(course_admin).get("/api/v1/videos/999999").status_code == 404


class TestVideoFiles:
    def test_owner_gets_playlist_segment_and_poster(
        self, client_as, course_instructor, ready_video
    ):
        client = client_as(course_instructor)
        base = f"/api/v1/videos/{ready_video.pk}/hls"
        master = client.get(f"{base}/master.m3u8")
        assert master.status_code == 200
        assert master["Content-Type"] == "application/vnd.apple.mpegurl"
        body = master.getvalue().decode()  # written per request (captions)
        assert body.startswith("#EXTM3U")
        segment = client.get(f"{base}/360p/segment_00000.ts")
        assert segment.status_code == 200
        assert segment["Content-Type"] == "video/mp2t"
        poster = client.get(f"{base}/poster.jpg")
        assert b"".join(poster.streaming_content)[:2] == b"\xff\xd8"

    def test_segment_access_check_query_count(
        self, client_as, course_instructor, ready_video, django_assert_max_num_queries
    ):
        client = client_as(course_instructor)
        url = f"/api/v1/videos/{ready_video.pk}/hls/360p/segment_00000.ts"
        with django_assert_max_num_queries(QUERY_BUDGET):
            assert client.get(url).status_code == 200

    def test_accel_redirect_mode(
        self, client_as, course_instructor, ready_video, settings
    ):
        settings.MEDIA_ACCEL_REDIRECT = True
        response = client_as(course_instructor).get(
            f"/api/v1/videos/{ready_video.pk}/hls/720p/index.m3u8"
        )
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == (
            f"/protected/{ready_video.hls_path}/720p/index.m3u8"
        )
        assert response.content == b""

    def test_outsiders_refused(self, client_as, other_instructor, learner, ready_video):
        url = f"/api/v1/videos/{ready_video.pk}/hls/master.m3u8"
        assert client_as(other_instructor).get(url).status_code == 404
        assert client_as(learner).get(url).status_code == 404
        assert client_as(None).get(url).status_code == 401

    @pytest.mark.parametrize(
        "name",
        ["../../../etc/passwd", "..%2F..%2Fsecret.ts", "360p/../../x.m3u8", "a.mp4"],
    )
    def test_path_traversal_refused(
        self, client_as, course_instructor, ready_video, name
    ):
        response = client_as(course_instructor).get(
            f"/api/v1/videos/{ready_video.pk}/hls/{name}"
        )
        assert response.status_code == 404
