"""Free previews: a live module marked ``is_free_preview`` in a live course shows its
videos to anyone, signed in or not; every other video keeps the enrolled-only rule."""

import pytest

from content.media import VideoUsage
from content.models import ModulePage
from content.services import course_archive, course_publish
from learning.services import enrollment_create
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

FILES = ("master.m3u8", "360p/index.m3u8", "360p/segment_00000.ts", "poster.jpg")


def fetch(client, video, name="master.m3u8"):
    return client.get(f"/api/v1/videos/{video.pk}/hls/{name}")


def set_preview(module, user, value: bool = True) -> ModulePage:
    """Publish a revision of ``module`` with the free-preview flag as the editor
    does (publishing re-indexes its videos)."""
    module = ModulePage.objects.get(pk=module.pk)
    module.is_free_preview = value
    module.save_revision(user=user).publish(user=user)
    return ModulePage.objects.get(pk=module.pk)


@pytest.fixture
def course_with_video(ready_video, course_factory, module_factory, course_admin):
    course = course_factory(title="Watching course", publish=False)
    module_factory(course, title="Watch this", kind="video", video_id=ready_video.pk)
    return course_publish(actor=course_admin, course=course)


@pytest.fixture
def preview_module(course_with_video, course_admin):
    module = ModulePage.objects.child_of(course_with_video).get()
    return set_preview(module, course_admin)


class TestPreviewIndex:
    def test_usage_copies_the_module_flag(
        self, ready_video, course_with_video, course_admin
    ):
        module = ModulePage.objects.child_of(course_with_video).get()
        assert VideoUsage.objects.get(video=ready_video).free_preview is False

        set_preview(module, course_admin)
        assert VideoUsage.objects.get(video=ready_video).free_preview is True

        set_preview(module, course_admin, False)
        assert VideoUsage.objects.get(video=ready_video).free_preview is False

    def test_a_draft_flag_is_not_a_preview(
        self, ready_video, course_with_video, course_admin, client_as
    ):
        module = ModulePage.objects.child_of(course_with_video).get()
        module.is_free_preview = True
        module.save_revision(user=course_admin)  # not published

        assert VideoUsage.objects.get(video=ready_video).free_preview is False
        assert fetch(client_as(None), ready_video).status_code == 401


class TestPreviewFiles:
    @pytest.mark.parametrize("name", FILES)
    def test_anyone_gets_the_files(self, client_as, ready_video, preview_module, name):
        for client in (client_as(None), client_as(UserFactory())):
            response = fetch(client, ready_video, name)
            assert response.status_code == 200, (name, response.status_code)

    def test_without_the_flag_anonymous_401_outsider_404(
        self, client_as, ready_video, course_with_video
    ):
        for name in FILES:
            assert fetch(client_as(None), ready_video, name).status_code == 401
            assert fetch(client_as(UserFactory()), ready_video, name).status_code == 404

    def test_enrolled_learner_still_watches_a_non_preview_video(
        self, client_as, ready_video, course_with_video
    ):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course_with_video.pk)
        assert fetch(client_as(learner), ready_video).status_code == 200

    def test_turning_the_preview_off_ends_public_access_at_once(
        self, client_as, ready_video, preview_module, course_admin
    ):
        anonymous, stranger = client_as(None), client_as(UserFactory())
        assert fetch(anonymous, ready_video).status_code == 200
        assert fetch(stranger, ready_video).status_code == 200  # answers cached

        set_preview(preview_module, course_admin, False)

        assert fetch(anonymous, ready_video).status_code == 401
        assert fetch(stranger, ready_video).status_code == 404

    def test_unpublishing_the_module_ends_public_access_at_once(
        self, client_as, ready_video, preview_module, course_admin
    ):
        anonymous = client_as(None)
        assert fetch(anonymous, ready_video).status_code == 200
        ModulePage.objects.get(pk=preview_module.pk).unpublish(user=course_admin)
        assert fetch(anonymous, ready_video).status_code == 401

    def test_archived_course_is_no_preview(
        self, client_as, ready_video, preview_module, course_with_video, course_admin
    ):
        course_archive(actor=course_admin, course=course_with_video)
        assert fetch(client_as(None), ready_video).status_code == 401

    def test_unpublished_course_is_no_preview(
        self, client_as, ready_video, preview_module, course_with_video, course_admin
    ):
        course_with_video.unpublish(user=course_admin)
        assert fetch(client_as(None), ready_video).status_code == 401

    def test_another_video_of_the_owner_stays_private(
        self, client_as, ready_video, preview_module, course_instructor, clip
    ):
        from content.tasks import transcode_video
        from tests.content.video_clips import upload

        response = upload(client_as(course_instructor), clip(size="320x240"))
        other = response.json()["data"]["id"]
        transcode_video.delay(other)
        url = f"/api/v1/videos/{other}/hls/master.m3u8"
        assert client_as(None).get(url).status_code == 401

    def test_anonymous_segments_use_few_queries(
        self, client_as, ready_video, preview_module, django_assert_max_num_queries
    ):
        client = client_as(None)
        fetch(client, ready_video)  # warms the cached answer
        with django_assert_max_num_queries(1):  # the asset; access from the cache
            assert fetch(client, ready_video, FILES[2]).status_code == 200


class TestPreviewPage:
    def test_anonymous_visitor_gets_the_player(
        self, client, home_page, ready_video, preview_module
    ):
        html = client.get(preview_module.url).content.decode()
        assert "<video" in html
        assert (
            f'data-playlist="/api/v1/videos/{ready_video.pk}/hls/master.m3u8"' in html
        )
        assert "data-progress-url" not in html  # previews record no progress
        assert "vendor/hls/hls.min.js" in html

    def test_signed_in_outsider_gets_the_player_without_tracking(
        self, client, home_page, ready_video, preview_module
    ):
        client.force_login(UserFactory())
        html = client.get(preview_module.url).content.decode()
        assert "<video" in html
        assert "data-progress-url" not in html

    def test_non_preview_module_shows_a_locked_notice(
        self, client, home_page, ready_video, course_with_video
    ):
        module = ModulePage.objects.child_of(course_with_video).get()
        html = client.get(module.url).content.decode()
        assert "<video" not in html
        assert "This module is for enrolled learners" in html
        assert "Sign in and enroll in the course to open this module." in html

        client.force_login(UserFactory())
        html = client.get(module.url).content.decode()
        assert "<video" not in html
        assert "This module is for enrolled learners" in html
        assert "See the course and enroll" in html
