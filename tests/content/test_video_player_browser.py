"""The module page's video player in headless Chromium: it plays the HLS stream
through hls.js (Media Source Extensions, H.264 + AAC), posts the learner's position,
and resumes there after a reload."""

import re

import pytest
from playwright.sync_api import expect

from learning.models import ModuleProgress
from portal.accounts.models import Role
from tests.browser import play_module_video, sign_in
from tests.content.video_clips import published_video_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIP_SECONDS = 24


@pytest.fixture
def video_module(home_page, tmp_path, settings):
    """A published course with one video module showing a 24 s clip (one 240p
    rendition: quick to transcode), and an enrolled learner."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return published_video_module(
        tmp_path, seconds=CLIP_SECONDS, email="lena@example.org"
    )


@pytest.fixture
def player_page(browser_page, video_module):
    """The browser page, its player stopped before the page closes: a playing video
    keeps fetching segments, and posts its progress with ``keepalive`` when the page
    is hidden or left. Closing the browser waits for what the live server is still
    answering (``tests.browser.LiveServerRequests``); stopping the player first
    means no such post is sent at all."""
    page = browser_page
    yield page
    # Capture listeners on the target run before the player's own listeners.
    page.evaluate(
        "() => { const quiet = e => e.stopImmediatePropagation();"
        " window.addEventListener('pagehide', quiet, true);"
        " document.addEventListener('visibilitychange', quiet, true); }"
    )
    page.evaluate(
        "() => document.querySelectorAll('video').forEach(v => {"
        " v.pause(); if (v.hls) v.hls.destroy(); })"
    )


class TestVideoPlayerInTheBrowser:
    def test_plays_posts_progress_and_resumes(
        self, player_page, live_server, video_module
    ):
        module, learner = video_module
        page = player_page
        base = live_server.url
        assert page.evaluate(
            "MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.42E01E,mp4a.40.2\"')"
        ), "this Chromium cannot decode H.264/AAC through MSE"
        sign_in(page, base, learner.email)

        page.goto(f"{base}{module.url}")
        video = page.locator("video[data-player]")
        expect(video).to_have_attribute("data-position", "0")
        # hls.js drives the element through a blob: MediaSource URL.
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').hls !== undefined"
        )
        expect(video).to_have_attribute("src", re.compile(r"^blob:"))
        page.evaluate(
            "() => { const v = document.querySelector('video[data-player]');"
            " v.muted = true; return v.play(); }"
        )
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').currentTime > 3",
            timeout=20_000,
        )
        # Pausing posts the position (and the seconds watched).
        page.evaluate("() => document.querySelector('video[data-player]').pause()")
        expect(video).to_have_attribute("data-last-post", "200")
        progress = ModuleProgress.objects.get(user=learner, module=module)
        assert progress.last_position >= 3
        assert progress.time_spent >= 2
        assert progress.completed_at is None  # far from 95 %

        page.reload()
        expect(video).to_have_attribute("data-position", str(progress.last_position))
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').readyState >= 1"
        )
        page.wait_for_function(
            f"() => document.querySelector('video[data-player]').currentTime"
            f" >= {progress.last_position - 0.5}"
        )

    def test_watching_to_the_end_completes_the_module(
        self, player_page, live_server, video_module
    ):
        module, learner = video_module
        page = player_page
        base = live_server.url
        sign_in(page, base, learner.email)
        page.goto(f"{base}{module.url}")
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').readyState >= 1"
        )
        # Seeking to the end and playing the last seconds is not watching it.
        page.evaluate(
            f"() => {{ const v = document.querySelector('video[data-player]');"
            f" v.muted = true; v.currentTime = {CLIP_SECONDS - 2}; return v.play(); }}"
        )
        video = page.locator("video[data-player]")
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').ended",
            timeout=20_000,
        )
        expect(video).to_have_attribute("data-last-post", "200")
        progress = ModuleProgress.objects.get(user=learner, module=module)
        assert progress.completed_at is None
        # Played from the start to the end: watched, so the server completes it.
        page.evaluate(
            "() => { const v = document.querySelector('video[data-player]');"
            " v.currentTime = 0; return v.play(); }"
        )
        expect(video).to_have_attribute(
            "data-completion", "recorded", timeout=CLIP_SECONDS * 1000 + 20_000
        )
        progress.refresh_from_db()
        assert progress.completed_at is not None
        assert progress.time_spent >= CLIP_SECONDS * 0.95 - 1
        # Let the clip end and its last post return: a post still in flight when
        # the test database is flushed deadlocks the flush.
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').ended",
            timeout=20_000,
        )
        page.wait_for_timeout(2_000)

    def test_anonymous_visitor_plays_a_free_preview_without_posting(
        self, player_page, live_server, video_module
    ):
        module, learner = video_module
        admin = type(learner).objects.get(role=Role.ADMIN)
        module.is_free_preview = True
        module.save_revision(user=admin).publish(user=admin)
        page = player_page
        posts = []
        page.on(
            "request",
            lambda request: (
                posts.append(request.url) if request.method == "POST" else None
            ),
        )

        page.goto(f"{live_server.url}{module.url}")
        video = page.locator("video[data-player]")
        expect(video).not_to_have_attribute("data-progress-url", re.compile(".*"))
        page.evaluate(
            "() => { const v = document.querySelector('video[data-player]');"
            " v.muted = true; return v.play(); }"
        )
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').currentTime > 1",
            timeout=20_000,
        )
        page.evaluate("() => document.querySelector('video[data-player]').pause()")
        assert posts == []
        assert not ModuleProgress.objects.exists()

    def test_a_refused_segment_url_fetches_a_fresh_master_and_plays_on(
        self, player_page, live_server, video_module
    ):
        """Signed segment URLs expire (HLS_SIGNED_URL_TTL): Nginx then answers 410.
        The player asks Django for the master playlist again (a new access check,
        fresh URLs) and goes on from where it was, instead of stopping."""
        module, learner = video_module
        page = player_page
        masters = []
        page.on(
            "request",
            lambda request: (
                masters.append(request.url)
                if request.url.endswith("/master.m3u8")
                else None
            ),
        )

        def expired_until_a_new_master(route):
            # The third segment's URL has "expired" until the player has fetched
            # the master playlist again.
            if len(masters) < 2:
                route.fulfill(status=410, body="expired")
            else:
                route.continue_()

        page.route(re.compile(r".*/segment_00002\.ts$"), expired_until_a_new_master)
        sign_in(page, live_server.url, learner.email)
        play_module_video(page, live_server.url, module.url, rate=4)
        # Segments are 4 s: past 12 s the third one has been played.
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').currentTime > 13",
            timeout=30_000,
        )
        assert len(masters) >= 2
        expect(page.locator(".video-error")).to_be_hidden()
        # Pausing posts the position: let that post return before the test ends
        # (one still running in the live server deadlocks the database flush).
        page.evaluate("() => document.querySelector('video[data-player]').pause()")
        expect(page.locator("video[data-player]")).to_have_attribute(
            "data-last-post", "200"
        )
