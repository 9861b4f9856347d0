"""Archiving a course and watching its videos: an archived course shows no free
preview, its enrolled learners keep watching (its pages, learner records and
certificates remain). Cached access answers follow at once, not after
``VIEWER_CACHE_SECONDS``, whether the archive comes from the service, the API or
the editor's action."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from content.access import Showing
from content.models import ModulePage
from content.services import course_archive, course_publish, course_unarchive
from content.services.videos import access, video_may_watch
from learning.services import enrollment_create
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def fetch(client, video):
    return client.get(f"/api/v1/videos/{video.pk}/hls/master.m3u8")


@pytest.fixture
def course_with_preview(
    ready_video, course_factory, module_factory, course_admin, course_instructor
):
    """A live course whose only module is a free preview showing ``ready_video``."""
    course = course_factory(title="Watching course", publish=False)
    module_factory(course, title="Watch this", kind="video", video_id=ready_video.pk)
    course = course_publish(actor=course_admin, course=course)
    module = ModulePage.objects.child_of(course).get()
    module.is_free_preview = True
    module.save_revision(user=course_admin).publish(user=course_admin)
    return course


@pytest.fixture
def watchers(client_as, course_with_preview, ready_video):
    """Anonymous, a signed-in outsider and an enrolled learner, each with an access
    answer already cached (200)."""
    learner = UserFactory()
    enrollment_create(actor=learner, course_id=course_with_preview.pk)
    clients = {
        "anonymous": client_as(None),
        "outsider": client_as(UserFactory()),
        "learner": client_as(learner),
    }
    for client in clients.values():
        assert fetch(client, ready_video).status_code == 200
    return clients


def statuses(watchers, video) -> dict:
    return {who: fetch(client, video).status_code for who, client in watchers.items()}


AFTER_ARCHIVE = {"anonymous": 401, "outsider": 404, "learner": 200}
OPEN = {"anonymous": 200, "outsider": 200, "learner": 200}


class TestArchiveResetsCachedAccess:
    def test_service_archive_closes_the_preview_at_once(
        self, watchers, ready_video, course_with_preview, course_instructor
    ):
        course_archive(actor=course_instructor, course=course_with_preview)

        assert statuses(watchers, ready_video) == AFTER_ARCHIVE

    def test_api_delete_closes_the_preview_at_once(
        self, client_as, watchers, ready_video, course_with_preview, course_instructor
    ):
        url = f"/api/v1/courses/{course_with_preview.pk}"
        response = client_as(course_instructor).delete(url)
        assert response.status_code == 200

        assert statuses(watchers, ready_video) == AFTER_ARCHIVE

    def test_editor_archive_action_closes_the_preview_at_once(
        self, client, watchers, ready_video, course_with_preview, course_instructor
    ):
        client.force_login(course_instructor)
        url = reverse("content_course_archive", args=[course_with_preview.pk])
        assert client.post(url).status_code == 302

        assert statuses(watchers, ready_video) == AFTER_ARCHIVE

    def test_restore_reopens_the_preview_at_once(
        self, watchers, ready_video, course_with_preview, course_admin
    ):
        course_archive(actor=course_admin, course=course_with_preview)
        assert statuses(watchers, ready_video) == AFTER_ARCHIVE  # answers cached

        course_unarchive(actor=course_admin, course=course_with_preview)

        assert statuses(watchers, ready_video) == OPEN

    def test_an_answer_cached_before_commit_is_retired_on_commit(
        self,
        watchers,
        ready_video,
        course_with_preview,
        course_instructor,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            course_archive(actor=course_instructor, course=course_with_preview)
        # A request racing the archive read the course before it committed and
        # cached the old answer under the version the archive had just set.
        stale_showing = Showing(
            course_id=course_with_preview.pk,
            instructor_id=course_with_preview.instructor_id,
            members=True,
            public=True,
        )
        with mock.patch.object(access, "_video_showings", return_value=[stale_showing]):
            assert video_may_watch(actor=AnonymousUser(), video=ready_video)
        stale = statuses(watchers, ready_video)
        assert stale["anonymous"] == 200

        for callback in callbacks:
            callback()

        assert statuses(watchers, ready_video) == AFTER_ARCHIVE

    def test_refused_archive_leaves_access_as_it_was(
        self, client_as, watchers, ready_video, course_with_preview, other_instructor
    ):
        url = f"/api/v1/courses/{course_with_preview.pk}"
        assert client_as(other_instructor).delete(url).status_code == 403
        assert client_as(None).delete(url).status_code == 401

        assert statuses(watchers, ready_video) == OPEN

    def test_other_courses_videos_keep_their_cached_answers(
        self, watchers, ready_video, course_with_preview, course_factory, course_admin
    ):
        other = course_factory(title="Other course")
        with mock.patch.object(access, "_viewer_cache_reset") as reset:
            course_archive(actor=course_admin, course=other)
        reset.assert_not_called()  # it shows no video: nothing to forget
        assert statuses(watchers, ready_video) == OPEN


class TestUnpublishResetsCachedAccess:
    def test_unpublishing_the_course_closes_the_preview_at_once(
        self, watchers, ready_video, course_with_preview, course_admin
    ):
        course_with_preview.unpublish(user=course_admin)

        assert statuses(watchers, ready_video)["anonymous"] == 401
        assert statuses(watchers, ready_video)["outsider"] == 404
