"""Videos with media on S3-compatible object storage (``MEDIA_STORAGE=s3``), against
a real SeaweedFS server (tests/s3.py): upload through the API, a real ffmpeg
transcode whose HLS ladder is uploaded to the bucket, and streaming where Django
checks access and the player fetches segments from the bucket on presigned URLs."""

import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content.media import VideoAsset, VideoStatus
from content.services import course_publish
from content.services.videos import playlists, transcode
from content.tasks import transcode_video
from learning.services import enrollment_create
from tests.content.video_clips import upload
from tests.portal.factories import UserFactory
from tests.s3 import http_get as fetch

pytestmark = pytest.mark.django_db


def lines(response) -> list[str]:
    return [
        line
        for line in response.content.decode().splitlines()
        if line and not line.startswith("#")
    ]


@pytest.fixture
def stored_video(s3_media, settings, client_as, course_instructor, clip):
    """A 5-second 320x240 clip uploaded through the API and transcoded for real."""
    settings.VIDEO_MAX_UPLOAD_MB = 1
    response = upload(client_as(course_instructor), clip(size="320x240", seconds=5))
    assert response.status_code == 201, response.content
    video_id = response.json()["data"]["id"]
    transcode_video(video_id)
    return VideoAsset.objects.get(pk=video_id)


@pytest.fixture
def watching_course(stored_video, course_factory, module_factory, course_admin):
    course = course_factory(title="Watching course", publish=False)
    module_factory(course, title="Watch", kind="video", video_id=stored_video.pk)
    return course_publish(actor=course_admin, course=course)


class TestUploadAndTranscode:
    def test_original_and_ladder_are_in_the_bucket_and_nothing_on_disk(
        self, stored_video, s3_media, tmp_path
    ):
        video = stored_video
        assert video.status == VideoStatus.READY, video.error
        assert [r["name"] for r in video.renditions] == ["240p"]
        assert s3_media.keys("videos/originals/") == [video.original.name]
        keys = s3_media.keys(f"hls/{video.pk}/")
        prefix = f"{video.hls_path}/"
        assert all(key.startswith(prefix) for key in keys)
        names = [key.removeprefix(prefix) for key in keys]
        assert "master.m3u8" in names
        assert "poster.jpg" in names
        assert "240p/index.m3u8" in names
        assert len([n for n in names if n.startswith("240p/segment_")]) == 2
        assert ".incomplete" not in "".join(names)
        # The worker's local copies are gone too.
        local = transcode._local_root(default_storage)
        assert not list(local.glob(f"{video.pk}-*"))

    def test_leftovers_of_a_killed_run_are_removed(
        self, s3_media, settings, course_instructor, clip, client_as
    ):
        settings.VIDEO_MAX_UPLOAD_MB = 1
        response = upload(client_as(course_instructor), clip(size="320x240"))
        video_id = response.json()["data"]["id"]
        # What a worker killed mid-upload leaves: a marker and some segments.
        dead = f"hls/{video_id}/deadbeef"
        default_storage.save(f"{dead}/.incomplete", ContentFile(b""))
        default_storage.save(f"{dead}/240p/segment_00000.ts", ContentFile(b"half"))
        # ...and its folder on this machine; another portal's run of a video with
        # the same id (a test run, a benchmark) is in its own folder, left alone.
        local_dead = transcode._local_root(default_storage) / f"{video_id}-deadbeef"
        local_dead.mkdir(parents=True)
        foreign = Path(transcode.tempfile.gettempdir()) / "portal-hls-elsewhere"
        (foreign / f"{video_id}-running").mkdir(parents=True, exist_ok=True)
        video = transcode.video_transcode(video_id=video_id)
        assert video.status == VideoStatus.READY
        folders = {key.split("/")[2] for key in s3_media.keys(f"hls/{video_id}/")}
        assert folders == {video.hls_path.rsplit("/", 1)[1]}
        assert not local_dead.exists()
        assert (foreign / f"{video_id}-running").is_dir()
        shutil.rmtree(foreign)

    def test_a_missing_original_fails_readably(
        self, s3_media, settings, course_instructor, clip, client_as
    ):
        settings.VIDEO_MAX_UPLOAD_MB = 1
        response = upload(client_as(course_instructor), clip(size="320x240"))
        video = VideoAsset.objects.get(pk=response.json()["data"]["id"])
        default_storage.delete(video.original.name)
        video = transcode.video_transcode(video_id=video.pk)
        assert video.status == VideoStatus.FAILED
        assert "missing" in video.error
        assert s3_media.keys(f"hls/{video.pk}/") == []


class TestStreaming:
    def test_enrolled_learner_streams_segments_from_the_bucket(
        self, stored_video, watching_course, client_as, s3_media
    ):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=watching_course.pk)
        client = client_as(learner)
        base = f"/api/v1/videos/{stored_video.pk}/hls/"

        master = client.get(base + "master.m3u8")
        assert master.status_code == 200
        assert lines(master) == ["240p/index.m3u8"]

        variant = client.get(base + "240p/index.m3u8")
        assert variant.status_code == 200
        assert variant["Content-Type"] == "application/vnd.apple.mpegurl"
        assert variant["Cache-Control"] == "private, no-cache"
        segments = lines(variant)
        assert len(segments) == 2
        endpoint = s3_media.server.endpoint_url
        for url in segments:
            assert url.startswith(f"{endpoint}/{s3_media.server.bucket}/")
            assert "X-Amz-Signature=" in url
        assert "#EXT-X-ENDLIST" in variant.content.decode()

        status, headers, body = fetch(segments[0])
        assert status == 200
        assert headers["Content-Type"] == "video/mp2t"
        assert body[:1] == b"\x47"  # MPEG-TS sync byte
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-"],
            input=body,
            capture_output=True,
            check=True,
        )
        assert b"codec_type=video" in probe.stdout

    def test_nginx_signing_does_not_apply_to_files_in_the_bucket(
        self, stored_video, watching_course, client_as, s3_media, settings
    ):
        # Configured for Nginx's secure_link too: Nginx has no copy of the
        # bucket's files, so the variants stay the API's (presigned segments).
        settings.HLS_SECURE_LINK_SECRET = "nginx-secret"
        settings.MEDIA_ACCEL_REDIRECT = True
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=watching_course.pk)
        client = client_as(learner)
        base = f"/api/v1/videos/{stored_video.pk}/hls/"
        assert lines(client.get(base + "master.m3u8")) == ["240p/index.m3u8"]
        segments = lines(client.get(base + "240p/index.m3u8"))
        assert segments
        assert not any("/hls-signed/" in line for line in segments)

    def test_poster_redirects_to_a_presigned_url(
        self, stored_video, client_as, course_instructor
    ):
        response = client_as(course_instructor).get(
            f"/api/v1/videos/{stored_video.pk}/hls/poster.jpg"
        )
        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        status, headers, body = fetch(response["Location"])
        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert body[:2] == b"\xff\xd8"

    def test_others_are_refused_and_get_no_url(
        self, stored_video, watching_course, client_as, other_instructor
    ):
        base = f"/api/v1/videos/{stored_video.pk}/hls/"
        stranger = UserFactory()
        for name in ("master.m3u8", "240p/index.m3u8", "poster.jpg"):
            assert client_as(stranger).get(base + name).status_code == 404
            assert client_as(other_instructor).get(base + name).status_code == 404
            assert client_as(None).get(base + name).status_code == 401

    def test_the_bucket_refuses_unsigned_and_tampered_urls(
        self, stored_video, client_as, course_instructor, s3_media
    ):
        variant = client_as(course_instructor).get(
            f"/api/v1/videos/{stored_video.pk}/hls/240p/index.m3u8"
        )
        url = lines(variant)[0]
        unsigned = url.split("?", 1)[0]
        assert fetch(unsigned)[0] == 403
        # Another object under the same signature (the next segment).
        other = url.replace("segment_00000.ts", "segment_00001.ts")
        assert other != url
        assert fetch(other)[0] == 403
        # The original is not reachable by editing the path either.
        original = url.replace(
            f"{stored_video.hls_path}/240p/segment_00000.ts",
            stored_video.original.name,
        )
        assert fetch(original)[0] == 403

    def test_playlist_is_signed_once_per_step_and_shared(
        self, stored_video, client_as, course_instructor, watching_course
    ):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=watching_course.pk)
        path = f"/api/v1/videos/{stored_video.pk}/hls/240p/index.m3u8"
        first = client_as(course_instructor).get(path).content
        time.sleep(1.1)  # a fresh signature would carry another X-Amz-Date
        assert client_as(learner).get(path).content == first

    def test_segment_urls_expire(
        self, stored_video, client_as, course_instructor, settings, monkeypatch
    ):
        settings.HLS_SIGNED_URL_TTL = 1
        monkeypatch.setattr(playlists, "SIGNED_URL_STEP", 1)
        variant = client_as(course_instructor).get(
            f"/api/v1/videos/{stored_video.pk}/hls/240p/index.m3u8"
        )
        url = lines(variant)[0]
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-Expires"] == ["2"]  # the TTL plus one step
        assert fetch(url)[0] == 200
        time.sleep(3)
        status, _headers, body = fetch(url)
        assert status == 403
        assert b"expired" in body

    def test_redirect_urls_expire(
        self, stored_video, client_as, course_instructor, settings
    ):
        settings.MEDIA_REDIRECT_URL_TTL = 1
        response = client_as(course_instructor).get(
            f"/api/v1/videos/{stored_video.pk}/hls/poster.jpg"
        )
        assert fetch(response["Location"])[0] == 200
        time.sleep(2.5)
        assert fetch(response["Location"])[0] == 403

    def test_playlist_reads_do_not_grow_with_segments(
        self, stored_video, client_as, course_instructor, django_assert_max_num_queries
    ):
        client = client_as(course_instructor)
        path = f"/api/v1/videos/{stored_video.pk}/hls/240p/index.m3u8"
        client.get(path)
        with django_assert_max_num_queries(3):
            assert client.get(path).status_code == 200


class TestCaptions:
    VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n"

    def test_caption_track_is_stored_in_the_bucket_and_served_from_this_origin(
        self, stored_video, client_as, course_instructor, s3_media
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = client_as(course_instructor)
        response = client.post(
            f"/api/v1/videos/{stored_video.pk}/captions",
            {
                "language": "en",
                "label": "English",
                "file": SimpleUploadedFile("en.vtt", self.VTT),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        assert len(s3_media.keys("videos/captions/")) == 1
        base = f"/api/v1/videos/{stored_video.pk}/hls/captions/"
        track = client.get(base + "en.vtt")
        # Proxied, not redirected: <track> elements load from this origin only.
        assert track.status_code == 200
        assert b"".join(track.streaming_content) == self.VTT
        segment = client.get(base + "en.webvtt")
        assert segment.status_code == 200
        assert b"X-TIMESTAMP-MAP" in segment.content
        assert client_as(UserFactory()).get(base + "en.vtt").status_code == 404
