"""The video block on a module page (player markup, saved position, caption
tracks), the static player files, and the cached access answers that enrolling and
unenrolling must drop at once."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.media import VideoCaption
from content.models import ModulePage
from content.services import course_publish
from learning.models import ModuleProgress
from learning.services import enrollment_create, module_progress_record
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SEGMENT = "360p/segment_00000.ts"


def segment(client, video):
    return client.get(f"/api/v1/videos/{video.pk}/hls/{SEGMENT}")


@pytest.fixture
def course_with_video(ready_video, course_factory, module_factory, course_admin):
    course = course_factory(title="Watching course", publish=False)
    module_factory(course, title="Watch this", kind="video", video_id=ready_video.pk)
    return course_publish(actor=course_admin, course=course)


@pytest.fixture
def module(course_with_video):
    return ModulePage.objects.child_of(course_with_video).get()


class TestAccessCacheFollowsEnrollment:
    def test_unenrolling_refuses_the_next_segment(
        self,
        client_as,
        ready_video,
        course_with_video,
        django_capture_on_commit_callbacks,
    ):
        learner = UserFactory()
        client = client_as(learner)
        with django_capture_on_commit_callbacks(execute=True):
            enroll = client.post(f"/api/v1/courses/{course_with_video.pk}/enroll")
        assert enroll.status_code == 201
        assert segment(client, ready_video).status_code == 200  # answer cached

        with django_capture_on_commit_callbacks(execute=True):
            leave = client.delete(f"/api/v1/courses/{course_with_video.pk}/enroll")
        assert leave.status_code == 200

        assert segment(client, ready_video).status_code == 404

    def test_enrolling_admits_at_once_after_a_cached_refusal(
        self,
        client_as,
        ready_video,
        course_with_video,
        django_capture_on_commit_callbacks,
    ):
        learner = UserFactory()
        client = client_as(learner)
        assert segment(client, ready_video).status_code == 404  # refusal cached

        with django_capture_on_commit_callbacks(execute=True):
            enroll = client.post(f"/api/v1/courses/{course_with_video.pk}/enroll")
        assert enroll.status_code == 201

        assert segment(client, ready_video).status_code == 200

    def test_another_learner_keeps_access(
        self, client_as, ready_video, course_with_video
    ):
        staying, leaving = UserFactory(), UserFactory()
        enrollment_create(actor=staying, course_id=course_with_video.pk)
        gone = enrollment_create(actor=leaving, course_id=course_with_video.pk)
        from learning.services import enrollment_cancel

        enrollment_cancel(enrollment=gone, actor=leaving)
        assert segment(client_as(staying), ready_video).status_code == 200
        assert segment(client_as(leaving), ready_video).status_code == 404


class TestPlayerMarkup:
    def test_enrolled_learner_gets_player_with_saved_position(
        self, client, ready_video, course_with_video, module, course_instructor
    ):
        VideoCaption.objects.create(
            video=ready_video, language="en", label="English", file="x/en.vtt"
        )
        VideoCaption.objects.create(
            video=ready_video, language="de", label="Deutsch", file="x/de.vtt"
        )
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course_with_video.pk)
        module_progress_record(
            actor=learner,
            course_id=course_with_video.pk,
            module_id=module.pk,
            last_position=42,
        )
        client.force_login(learner)

        html = client.get(module.url).content.decode()

        video = re.search(r"<video [^>]*>", html, re.S).group(0)
        base = f"/api/v1/videos/{ready_video.pk}/hls"
        assert f'data-playlist="{base}/master.m3u8"' in video
        assert f'poster="{base}/poster.jpg"' in video
        assert f'data-module-id="{module.pk}"' in video
        assert f'data-course-id="{course_with_video.pk}"' in video
        assert 'data-module-kind="video"' in video
        assert 'data-position="42"' in video
        assert 'data-completed="false"' in video
        assert re.search(r'data-duration="2\.\d{3}"', video)
        progress = (
            f"/api/v1/courses/{course_with_video.pk}/modules/{module.pk}/progress"
        )
        assert f'data-progress-url="{progress}"' in video
        assert re.search(r'data-csrf="[A-Za-z0-9]{32,}"', video)
        tracks = re.findall(r"<track [^>]*>", html)
        assert tracks == [
            f'<track kind="captions" src="{base}/captions/de.vtt" srclang="de" '
            'label="Deutsch" default>',
            f'<track kind="captions" src="{base}/captions/en.vtt" srclang="en" '
            'label="English">',
        ]
        assert "/static/vendor/hls/hls.min.js" in html
        assert "/static/js/player.js" in html

    def test_owner_gets_the_player_without_tracking(
        self, client, ready_video, module, course_instructor
    ):
        client.force_login(course_instructor)
        html = client.get(module.url).content.decode()
        assert "<video" in html
        assert "data-progress-url" not in html

    def test_video_not_ready_yet_shows_a_placeholder(
        self, client, ready_video, module, course_instructor
    ):
        ready_video.status = "processing"
        ready_video.save()
        client.force_login(course_instructor)
        html = client.get(module.url).content.decode()
        assert "<video" not in html
        assert "Video coming soon" in html

    def test_page_queries_do_not_grow_with_video_blocks(
        self,
        client,
        ready_video,
        course_factory,
        module_factory,
        course_admin,
    ):
        def page_with(blocks: int):
            course = course_factory(title=f"Course {blocks}", publish=False)
            body = [
                {"type": "video", "value": {"video_id": ready_video.pk, "caption": ""}}
            ] * blocks
            module_factory(course, title="Watch", kind="video", body=body)
            course = course_publish(actor=course_admin, course=course)
            learner = UserFactory()
            enrollment_create(actor=learner, course_id=course.pk)
            return learner, ModulePage.objects.child_of(course).get()

        def count(learner, module) -> int:
            client.force_login(learner)
            client.get(module.url)  # warm the cached access answers
            with CaptureQueriesContext(connection) as queries:
                assert client.get(module.url).status_code == 200
            return len(queries)

        one, three = page_with(1), page_with(3)
        # The page's videos and their captions load together, the learner's
        # progress once, the access answers come from the cache.
        assert count(*three) == count(*one)


class TestStaticFiles:
    def test_vendored_hls_and_player_are_served(self, client):
        hls = client.get("/static/vendor/hls/hls.min.js")
        assert hls.status_code == 200
        body = b"".join(hls.streaming_content)
        assert b"Hls" in body
        assert len(body) > 100_000
        player = client.get("/static/js/player.js")
        assert player.status_code == 200

    def test_licence_is_kept_and_no_missing_source_map(self):
        vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "hls"
        assert "Apache License" in (vendor / "LICENSE").read_text()
        # The manifest storage of collectstatic fails on a map that is not shipped.
        assert "sourceMappingURL" not in (vendor / "hls.min.js").read_text()[-300:]


def test_progress_is_only_for_enrolled_learners(
    client_as, ready_video, course_with_video, module
):
    """A preview viewer's player posts nothing; were it to, the API refuses."""
    response = client_as(UserFactory()).post(
        f"/api/v1/courses/{course_with_video.pk}/modules/{module.pk}/progress",
        {"last_position": 3},
        format="json",
    )
    assert response.status_code == 403
    assert not ModuleProgress.objects.exists()
