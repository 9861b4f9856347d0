"""Videos in the Wagtail admin: upload through the video service, own videos only,
failures shown, and the module body's video chooser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.blocks import ModuleBodyBlock
from content.media import VideoAsset, VideoStatus
from content.services.videos import video_usages_sync
from portal.accounts.models import Role
from tests.content.video_clips import hls_playlist_naming, make_mpegts
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("videos:index")
ADD = reverse("videos:add")


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def video_of(owner, *, status=VideoStatus.UPLOADED, error="", title="A video"):
    return VideoAsset.objects.create(
        title=title,
        owner=owner,
        original="videos/originals/x",
        status=status,
        error=error,
        hls_path="hls/x/y" if status == VideoStatus.READY else "",
    )


def post_upload(client, name, content, title="Intro to nmap"):
    return client.post(
        ADD, {"title": title, "original": SimpleUploadedFile(name, content)}
    )


class TestUpload:
    def test_instructor_uploads_a_real_clip(
        self, course_instructor, clip, media_root, django_capture_on_commit_callbacks
    ):
        client = admin_client(course_instructor)
        assert client.get(ADD).status_code == 200
        with django_capture_on_commit_callbacks() as queued:
            response = post_upload(client, "clip.mp4", clip().read_bytes())
        assert response.status_code == 302
        assert response["Location"] == INDEX
        video = VideoAsset.objects.get()
        assert video.owner == course_instructor
        assert video.title == "Intro to nmap"
        assert video.status == VideoStatus.UPLOADED
        assert video.duration == pytest.approx(2, abs=0.2)
        assert (media_root / video.original.name).is_file()
        assert len(queued) == 1  # the transcode, once the upload commits

    def test_text_renamed_mp4_is_a_form_error(self, course_instructor, media_root):
        response = post_upload(
            admin_client(course_instructor), "notes.mp4", b"just some text\n" * 50
        )
        assert response.status_code == 200
        assert "not a video file ffprobe can read" in response.content.decode()
        assert not VideoAsset.objects.exists()
        assert not [p for p in media_root.rglob("*") if p.is_file()]

    def test_playlist_naming_a_server_file_is_a_form_error(
        self, course_instructor, media_root, clip
    ):
        # Finding 5 of issue 13: the admin upload refuses an HLS playlist too.
        secret = make_mpegts(clip(), media_root / "secret.ts")
        response = post_upload(
            admin_client(course_instructor), "clip.mp4", hls_playlist_naming(secret)
        )
        assert response.status_code == 200
        assert "not a video file ffprobe can read" in response.content.decode()
        assert not VideoAsset.objects.exists()
        assert [p for p in media_root.rglob("*") if p.is_file()] == [secret]

    def test_over_the_size_limit_is_a_form_error(self, course_instructor, media_root):
        response = post_upload(
            admin_client(course_instructor), "big.mp4", b"\0" * (1024 * 1024 + 1)
        )
        assert response.status_code == 200
        assert "larger than the 1 MB limit" in response.content.decode()
        assert not VideoAsset.objects.exists()

    def test_learners_have_no_video_admin(self, learner, media_root):
        client = admin_client(learner)
        assert client.get(INDEX).status_code in (302, 403)
        response = post_upload(client, "clip.mp4", b"x")
        assert response.status_code in (302, 403)
        assert not VideoAsset.objects.exists()


class TestOwnVideosOnly:
    def test_instructors_list_and_edit_only_their_own(
        self, course_instructor, other_instructor
    ):
        mine = video_of(course_instructor, title="Mine")
        theirs = video_of(other_instructor, title="Theirs")
        client = admin_client(course_instructor)
        listing = client.get(INDEX).content.decode()
        assert "Mine" in listing
        assert "Theirs" not in listing
        assert client.get(reverse("videos:edit", args=[mine.pk])).status_code == 200
        edit_theirs = reverse("videos:edit", args=[theirs.pk])
        assert client.get(edit_theirs).status_code == 404
        assert client.post(edit_theirs, {"title": "Taken"}).status_code == 404
        theirs.refresh_from_db()
        assert theirs.title == "Theirs"

    def test_owner_renames(self, course_instructor):
        video = video_of(course_instructor)
        response = admin_client(course_instructor).post(
            reverse("videos:edit", args=[video.pk]), {"title": "Renamed"}
        )
        assert response.status_code == 302
        video.refresh_from_db()
        assert video.title == "Renamed"

    def test_admins_see_everyone_s(self, course_admin, course_instructor):
        video_of(course_instructor, title="Instructor's")
        listing = admin_client(course_admin).get(INDEX).content.decode()
        assert "Instructor&#x27;s" in listing or "Instructor's" in listing

    def test_nobody_deletes_here(self, course_admin, course_instructor):
        video = video_of(course_instructor)
        response = admin_client(course_admin).post(
            reverse("videos:delete", args=[video.pk])
        )
        assert response.status_code in (302, 403)
        assert VideoAsset.objects.filter(pk=video.pk).exists()

    def test_listing_queries_do_not_grow_with_rows(self, course_admin):
        client = admin_client(course_admin)

        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(INDEX).status_code == 200
            return len(captured)

        owner = UserFactory(role=Role.INSTRUCTOR)
        video_of(owner)
        one = count()
        for index in range(6):
            video_of(UserFactory(role=Role.INSTRUCTOR), title=f"V{index}")
        assert count() == one


class TestFailures:
    def test_failed_transcode_highlighted_with_its_error(self, course_instructor):
        video_of(course_instructor, status=VideoStatus.FAILED, error="ffmpeg: boom")
        video_of(course_instructor, status=VideoStatus.READY, title="Fine")
        page = admin_client(course_instructor).get(INDEX).content.decode()
        assert "ffmpeg: boom" in page
        assert 'class="video-failed"' in page
        assert page.count('class="video-failed"') == 1

    def test_dashboard_panel_lists_the_uploader_s_problems(
        self, course_instructor, other_instructor
    ):
        video_of(course_instructor, status=VideoStatus.FAILED, error="bad codec")
        video_of(course_instructor, status=VideoStatus.PROCESSING, title="Working")
        video_of(course_instructor, status=VideoStatus.READY, title="All good")
        dashboard = admin_client(course_instructor).get("/cms/").content.decode()
        assert "Videos needing attention" in dashboard
        assert "bad codec" in dashboard
        assert "Working" in dashboard
        assert "All good" not in dashboard
        other = admin_client(other_instructor).get("/cms/").content.decode()
        assert "Videos needing attention" not in other
        assert "bad codec" not in other


class TestChooser:
    def test_chooser_lists_own_videos_only(self, course_instructor, other_instructor):
        mine = video_of(course_instructor, title="Mine")
        theirs = video_of(other_instructor, title="Theirs")
        client = admin_client(course_instructor)
        modal = client.get(reverse("video_chooser:choose"))
        assert modal.status_code == 200
        html = modal.json()["html"]
        assert "Mine" in html
        assert "Theirs" not in html
        chosen = client.get(reverse("video_chooser:chosen", args=[mine.pk]))
        assert str(chosen.json()["result"]["id"]) == str(mine.pk)
        refused = client.get(reverse("video_chooser:chosen", args=[theirs.pk]))
        assert refused.status_code == 404

    def test_block_value_stays_the_video_id(self, course_instructor):
        video = video_of(course_instructor)
        stream = ModuleBodyBlock()
        raw = [{"type": "video", "value": {"video_id": video.pk, "caption": ""}}]
        value = stream.to_python(raw)
        assert value[0].value["video_id"] == video.pk
        cleaned = stream.clean(value)
        assert cleaned[0].value["video_id"] == video.pk
        assert stream.get_prep_value(cleaned)[0]["value"]["video_id"] == video.pk
        assert (
            stream.child_blocks["video"]
            .child_blocks["video_id"]
            .get_form_state(video.pk)["id"]
            == video.pk
        )

    def test_unknown_video_is_refused_by_the_block(self):
        from django.core.exceptions import ValidationError

        stream = ModuleBodyBlock()
        value = stream.to_python(
            [{"type": "video", "value": {"video_id": 999_999, "caption": ""}}]
        )
        with pytest.raises(ValidationError):
            stream.clean(value)

    def test_module_editor_renders_the_chooser_and_usages_still_index(
        self, course_factory, module_factory, course_admin, course_instructor
    ):
        from content.services import course_publish

        video = video_of(course_instructor, status=VideoStatus.READY)
        course = course_factory(title="Chooser course", publish=False)
        module = module_factory(course, title="Watch", kind="video", video_id=video.pk)
        course_publish(actor=course_admin, course=course)
        video_usages_sync(module=module)
        assert video.usages.filter(module=module).exists()
        edit = admin_client(course_instructor).get(
            reverse("wagtailadmin_pages:edit", args=[module.pk])
        )
        assert edit.status_code == 200
        assert reverse("video_chooser:choose") in edit.content.decode()


def test_listing_search_by_title(course_instructor):
    video_of(course_instructor, title="Packet capture basics")
    video_of(course_instructor, title="Firewall rules")
    page = admin_client(course_instructor).get(INDEX, {"q": "packet"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Packet capture basics" in html
    assert "Firewall rules" not in html
