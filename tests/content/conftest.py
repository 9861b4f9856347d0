"""Shared fixtures of the content tests: people in each role and real courses made
through ``content.services`` (real pages, revisions and workflows)."""

import pytest
from rest_framework.test import APIClient

from content.media import VideoAsset
from content.services import course_create, course_publish, module_create
from content.tasks import transcode_video
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.content.video_clips import upload
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory


def _person(role: str, **fields):
    # Role privileges as the user services grant them (superuser, editor group).
    user = UserFactory(role=role, **fields)
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def course_admin(db):
    return _person(Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def course_instructor(db):
    return _person(Role.INSTRUCTOR, first_name="Ian", last_name="Teach")


@pytest.fixture
def other_instructor(db):
    return _person(Role.INSTRUCTOR)


@pytest.fixture
def learner(db):
    return UserFactory(role=Role.STUDENT)


@pytest.fixture
def client_as():
    """``client_as(user)``: an API client signed in as ``user`` (anonymous for
    None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            signed_in(client, user)
        return client

    return make


def course_data(**fields) -> dict:
    return {
        "title": "Network Defense",
        "description": "Defend networks against intruders.",
        "category": "Networking",
        "difficulty_level": "beginner",
        "estimated_duration": 120,
        "price": "0",
        **fields,
    }


@pytest.fixture
def module_factory(course_instructor):
    def make(course, *, actor=None, **fields):
        data = {"title": "Module", "kind": "text", "duration": 10, **fields}
        return module_create(actor=actor or course_instructor, course=course, data=data)

    return make


@pytest.fixture
def course_factory(db, course_instructor, course_admin, module_factory):
    """``course_factory(title=..., modules=[(title, minutes), ...], publish=True,
    instructor=...)``: a course made and (by default) published by the services."""

    def make(*, instructor=None, modules=(), publish=True, thumbnail=None, **fields):
        actor = instructor or course_instructor
        course = course_create(actor=actor, data=course_data(**fields))
        if thumbnail is not None:  # not an API field: set as the editor would
            course.thumbnail = thumbnail
            course.save_revision(user=actor)
        for title, minutes in modules:
            module_factory(course, actor=actor, title=title, duration=minutes)
        if publish:
            course = course_publish(actor=course_admin, course=course)
        return course

    return make


@pytest.fixture
def thumbnail(db):
    """A real Wagtail image (a generated file) to use as a course thumbnail."""
    from wagtail_factories import ImageFactory

    return ImageFactory(title="Thumbnail")


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("clips")


@pytest.fixture
def clip(clip_dir):
    """``clip(size="1280x720", audio=False)``: a generated test video's path."""
    from tests.content.video_clips import make_clip

    def make(**options):
        return make_clip(clip_dir, **options)

    return make


@pytest.fixture
def media_root(settings, tmp_path):
    """MEDIA_ROOT in a fresh temporary directory; uploads capped at 1 MB."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.VIDEO_MAX_UPLOAD_MB = 1
    return settings.MEDIA_ROOT


@pytest.fixture
def ready_video(client_as, course_instructor, clip, media_root):
    response = upload(client_as(course_instructor), clip(size="1280x720"))
    assert response.status_code == 201
    video_id = response.json()["data"]["id"]
    transcode_video.delay(video_id)
    return VideoAsset.objects.get(pk=video_id)
