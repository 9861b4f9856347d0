"""The module page's player in headless Chromium with media on S3-compatible object
storage (a real SeaweedFS server, tests/s3.py): hls.js gets the variant playlist
from Django and the segments from the bucket, cross-origin, on presigned URLs,
within the page's Content-Security-Policy."""

import pytest

from tests.browser import play_module_video, sign_in
from tests.content import test_video_player_browser
from tests.content.video_clips import published_video_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The page, quiet before the database is flushed (it needs ``video_module``).
player_page = test_video_player_browser.player_page


@pytest.fixture
def video_module(home_page, s3_media, tmp_path):
    """A published course whose video module shows a 12 s clip stored and
    transcoded in the bucket, and an enrolled learner."""
    return published_video_module(tmp_path, seconds=12)


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
    play_module_video(page, live_server.url, module.url)
    page.wait_for_function(
        "() => document.querySelector('video[data-player]').currentTime > 5",
        timeout=30_000,
    )
    # Segments (and the poster, after Django's redirect) came from the bucket.
    assert from_bucket
    assert set(from_bucket) <= {200, 206}
