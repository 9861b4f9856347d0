"""The module page's player in headless Chromium with media on S3-compatible object
storage (a real SeaweedFS server, tests/s3.py): hls.js gets the variant playlist
from Django and the segments from the bucket, cross-origin, on presigned URLs,
within the page's Content-Security-Policy."""

import pytest

from content.media import VideoAsset
from content.models import ModulePage
from content.services import catalog_get, course_create, course_publish, module_create
from content.tasks import transcode_video
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.browser import sign_in
from tests.content import test_video_player_browser
from tests.content.video_clips import make_clip, upload
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The page, quiet before the database is flushed (it needs ``video_module``).
player_page = test_video_player_browser.player_page


@pytest.fixture
def video_module(home_page, s3_media, tmp_path):
    """A published course whose video module shows a 12 s clip stored and
    transcoded in the bucket, and an enrolled learner."""
    from rest_framework.test import APIClient

    catalog_get()
    instructor = UserFactory(role=Role.INSTRUCTOR)
    admin = UserFactory(role=Role.ADMIN)
    for user in (instructor, admin):
        user_role_privileges_sync(user=user)
    client = APIClient()
    signed_in(client, instructor)
    response = upload(client, make_clip(tmp_path, size="320x240", seconds=12))
    assert response.status_code == 201
    video_id = response.json()["data"]["id"]
    transcode_video.delay(video_id)
    assert VideoAsset.objects.get(pk=video_id).status == "ready"
    course = course_create(
        actor=instructor,
        data={
            "title": "Packet Capture",
            "description": "Read traffic.",
            "category": "Networking",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
        },
    )
    module_create(
        actor=instructor,
        course=course,
        data={"title": "Wireshark tour", "kind": "video", "video_id": video_id},
    )
    course = course_publish(actor=admin, course=course)
    learner = UserFactory(role=Role.STUDENT)
    enrollment_create(actor=learner, course_id=course.pk)
    return ModulePage.objects.child_of(course).get(), learner


def test_plays_segments_from_the_bucket(
    player_page, live_server, video_module, s3_media
):
    module, learner = video_module
    page = player_page
    bucket = f"{s3_media.server.endpoint_url}/{s3_media.server.bucket}/"
    from_bucket = []
    page.on(
        "response",
        lambda r: from_bucket.append(r.status) if r.url.startswith(bucket) else None,
    )
    sign_in(page, live_server.url, learner.email)
    page.goto(f"{live_server.url}{module.url}")
    page.wait_for_function(
        "() => document.querySelector('video[data-player]').hls !== undefined"
    )
    page.evaluate(
        "() => { const v = document.querySelector('video[data-player]');"
        " v.muted = true; return v.play(); }"
    )
    page.wait_for_function(
        "() => document.querySelector('video[data-player]').currentTime > 5",
        timeout=30_000,
    )
    # Segments (and the poster, after Django's redirect) came from the bucket.
    assert from_bucket
    assert set(from_bucket) <= {200, 206}
