"""Learners watch a video through a course they are enrolled in, nobody else does."""

import pytest
from django.core.cache import cache

from content.media import VideoUsage
from content.models import ModulePage
from content.services import course_publish
from learning.services import enrollment_cancel, enrollment_create
from portal.accounts.models import Role
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def master(client, video):
    return client.get(f"/api/v1/videos/{video.pk}/hls/master.m3u8")


@pytest.fixture
def course_with_video(
    ready_video,
    course_factory,
    module_factory,
    course_admin,
    course_instructor,
):
    course = course_factory(title="Watching course", publish=False)
    module_factory(course, title="Watch this", kind="video", video_id=ready_video.pk)
    return course_publish(actor=course_admin, course=course)


class TestEnrolledLearners:
    def test_enrolled_learner_streams_others_do_not(
        self,
        client_as,
        ready_video,
        course_with_video,
    ):
        assert VideoUsage.objects.filter(video=ready_video).count() == 1
        learner, stranger = UserFactory(), UserFactory()
        enrollment = enrollment_create(actor=learner, course_id=course_with_video.pk)
        response = master(client_as(learner), ready_video)
        assert response.status_code == 200
        assert b"#EXTM3U" in response.getvalue()
        assert master(client_as(stranger), ready_video).status_code == 404
        assert master(client_as(None), ready_video).status_code == 401
        # The metadata endpoint stays private to the owner and admins.
        detail = client_as(learner).get(f"/api/v1/videos/{ready_video.pk}")
        assert detail.status_code == 404

        enrollment_cancel(enrollment=enrollment, actor=learner)
        cache.clear()  # the access answer is cached for a minute
        assert master(client_as(learner), ready_video).status_code == 404

    def test_unpublished_module_stops_access(
        self,
        client_as,
        ready_video,
        course_with_video,
        course_admin,
    ):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course_with_video.pk)
        module = VideoUsage.objects.get(video=ready_video).module
        module.unpublish(user=course_admin)
        assert not VideoUsage.objects.filter(video=ready_video).exists()
        cache.clear()
        assert master(client_as(learner), ready_video).status_code == 404

    def test_a_video_pasted_into_another_instructors_course_is_not_shown(
        self,
        client_as,
        ready_video,
        course_factory,
        module_factory,
        course_admin,
    ):
        """The editor's chooser lists one's own videos only; a crafted body naming
        someone else's video id publishes, but does not make the video watchable."""
        other = UserFactory(role=Role.INSTRUCTOR)
        course = course_factory(title="Borrowing", instructor=other, publish=False)
        module = module_factory(course, actor=other, title="Borrowed")
        module.body = ModulePage.body.field.stream_block.to_python(
            [{"type": "video", "value": {"video_id": ready_video.pk, "caption": ""}}]
        )
        module.save_revision(user=other)
        course = course_publish(actor=course_admin, course=course)
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)

        assert not VideoUsage.objects.filter(video=ready_video).exists()
        assert master(client_as(learner), ready_video).status_code == 404

    def test_segment_requests_use_few_queries(
        self,
        client_as,
        ready_video,
        course_with_video,
        django_assert_max_num_queries,
    ):
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course_with_video.pk)
        client = client_as(learner)
        master(client, ready_video)  # warms the cached access answer
        with django_assert_max_num_queries(3):
            assert master(client, ready_video).status_code == 200
