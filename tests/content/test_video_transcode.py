"""HLS transcoding (content.tasks.transcode_video) on small generated clips.

Ladder decision: renditions at or below the source height only; a source below the
lowest rung (360p) gets a single rendition at its own height (320x240 → ``240p``).
"""

import re
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import ffmpeg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from content.media import VideoAsset, VideoStatus
from content.services import videos as video_services
from content.services.videos import transcode
from content.services.videos.probe import ProbeResult
from content.tasks import transcode_video
from tests.content.video_clips import (
    ffconcat_naming,
    hls_playlist_naming,
    m3u8_lines,
    make_mpegts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploaded(course_instructor, media_root, clip):
    """``uploaded(size=..., audio=...)``: an asset stored by the upload service (its
    on-commit transcode not run)."""

    def make(**options) -> VideoAsset:
        path = clip(**options)
        return video_services.video_upload(
            actor=course_instructor,
            title="Clip",
            file=SimpleUploadedFile("clip.mp4", path.read_bytes()),
        )

    return make


def transcoded(video: VideoAsset) -> VideoAsset:
    transcode_video(video.pk)
    return VideoAsset.objects.get(pk=video.pk)


def hls_dir(video: VideoAsset) -> Path:
    return Path(settings.MEDIA_ROOT) / video.hls_path


def asset_dir(video: VideoAsset) -> Path:
    return Path(settings.MEDIA_ROOT) / "hls" / str(video.pk)


def stream_info(path: Path) -> dict:
    streams = ffmpeg.probe(str(path))["streams"]
    return {s["codec_type"]: s for s in streams}


class TestRenditionLadder:
    @pytest.mark.parametrize(
        ("size", "expected"),
        [
            ((320, 240), [("240p", 320, 240)]),
            ((640, 360), [("360p", 640, 360)]),
            (
                (1280, 720),
                [("360p", 640, 360), ("480p", 854, 480), ("720p", 1280, 720)],
            ),
            (
                (1920, 1080),
                [
                    ("360p", 640, 360),
                    ("480p", 854, 480),
                    ("720p", 1280, 720),
                    ("1080p", 1920, 1080),
                ],
            ),
            (
                (720, 1280),
                [
                    ("360p", 202, 360),
                    ("480p", 270, 480),
                    ("720p", 404, 720),
                    ("1080p", 608, 1080),
                ],
            ),
            ((321, 241), [("240p", 320, 240)]),
        ],
    )
    def test_never_upscaled_and_even(self, size, expected):
        rungs = video_services.rendition_ladder(width=size[0], height=size[1])
        assert [(r.name, r.width, r.height) for r in rungs] == expected


class TestVideoTranscode:
    def test_small_source_gets_one_rendition_at_its_height(self, uploaded):
        video = transcoded(uploaded(size="320x240"))
        assert video.status == VideoStatus.READY
        assert [(r["name"], r["height"]) for r in video.renditions] == [("240p", 240)]
        lines = m3u8_lines(hls_dir(video) / "master.m3u8")
        assert lines[0] == "#EXTM3U"
        assert any("RESOLUTION=320x240" in line for line in lines)
        assert "360p/index.m3u8" not in lines

    def test_720p_source_yields_three_renditions(self, uploaded):
        video = transcoded(uploaded(size="1280x720"))
        assert video.status == VideoStatus.READY
        assert video.error == ""
        assert [r["name"] for r in video.renditions] == ["360p", "480p", "720p"]
        lines = m3u8_lines(hls_dir(video) / "master.m3u8")
        assert lines[0] == "#EXTM3U"
        infos = [line for line in lines if line.startswith("#EXT-X-STREAM-INF:")]
        uris = [line for line in lines if not line.startswith("#")]
        assert uris == ["360p/index.m3u8", "480p/index.m3u8", "720p/index.m3u8"]
        resolutions = [re.search(r"RESOLUTION=(\d+x\d+)", i).group(1) for i in infos]
        assert resolutions == ["640x360", "854x480", "1280x720"]
        bandwidths = [int(re.search(r"BANDWIDTH=(\d+)", i).group(1)) for i in infos]
        assert bandwidths == sorted(bandwidths)
        assert bandwidths[0] > 800_000  # video peak plus AAC audio
        for rendition, (width, height) in zip(
            video.renditions, [(640, 360), (854, 480), (1280, 720)], strict=True
        ):
            playlist = hls_dir(video) / rendition["playlist"]
            assert "#EXT-X-ENDLIST" in m3u8_lines(playlist)
            segments = sorted(playlist.parent.glob("segment_*.ts"))
            assert segments
            streams = stream_info(segments[0])
            assert (streams["video"]["width"], streams["video"]["height"]) == (
                width,
                height,
            )
            assert streams["audio"]["codec_name"] == "aac"
        poster = Path(video.poster.path)
        assert poster == hls_dir(video) / "poster.jpg"
        assert poster.read_bytes()[:2] == b"\xff\xd8"
        # Nothing but the finished output in the asset's directory.
        assert [p.name for p in asset_dir(video).iterdir()] == [
            Path(video.hls_path).name
        ]

    def test_segments_are_four_seconds_on_keyframes(self, uploaded):
        video = transcoded(uploaded(size="320x240", seconds=9))
        lines = m3u8_lines(hls_dir(video) / "240p" / "index.m3u8")
        durations = [
            float(line[8:].rstrip(",")) for line in lines if "#EXTINF:" in line
        ]
        assert len(durations) == 3
        assert durations[:2] == [pytest.approx(4, abs=0.05)] * 2
        assert "#EXT-X-TARGETDURATION:4" in lines

    def test_audio_less_source(self, uploaded):
        video = transcoded(uploaded(size="320x240", audio=False))
        assert video.status == VideoStatus.READY
        assert video.has_audio is False
        segment = next((hls_dir(video) / "240p").glob("segment_*.ts"))
        streams = stream_info(segment)
        assert "video" in streams
        assert "audio" not in streams
        assert video.renditions[0]["bandwidth"] == int(800_000 * 1.07)

    def test_corrupt_source_fails_readably(self, uploaded):
        video = uploaded(size="320x240")
        Path(video.original.path).write_bytes(b"\x00garbage" * 1000)
        video = transcoded(video)
        assert video.status == VideoStatus.FAILED
        assert "not a readable video" in video.error
        assert video.hls_path == ""
        assert list(asset_dir(video).iterdir()) == []

    def test_ffmpeg_error_fails_readably_and_keeps_no_output(self, uploaded):
        video = uploaded(size="320x240")
        error = ffmpeg.Error("ffmpeg", b"", b"Conversion failed: disk on fire")
        with mock.patch.object(transcode, "_write_poster", side_effect=error):
            video = transcoded(video)
        assert video.status == VideoStatus.FAILED
        assert "disk on fire" in video.error
        assert list(asset_dir(video).iterdir()) == []

    def test_killed_mid_way_is_never_ready_and_reruns(self, uploaded):
        class WorkerKilled(BaseException):
            """Stands in for SIGKILL: no except clause in the task runs."""

        video = uploaded(size="320x240")
        with (
            mock.patch.object(transcode, "_write_poster", side_effect=WorkerKilled),
            pytest.raises(WorkerKilled),
        ):
            transcode_video(video.pk)
        video.refresh_from_db()
        assert video.status == VideoStatus.PROCESSING
        assert video.hls_path == ""
        leftovers = list(asset_dir(video).iterdir())
        assert [p.name[:5] for p in leftovers] == [".tmp-"]
        # A re-delivery while the heartbeat is fresh leaves it alone (the run may
        # still be alive); once it is stale, the next run takes over.
        assert transcode.video_transcode(video_id=video.pk) is None
        VideoAsset.objects.filter(pk=video.pk).update(
            updated_at=timezone.now()
            - timedelta(minutes=settings.VIDEO_STUCK_MINUTES + 1)
        )

        video = transcoded(video)
        assert video.status == VideoStatus.READY
        assert [p.name for p in asset_dir(video).iterdir()] == [
            Path(video.hls_path).name
        ]

    def test_rerun_on_ready_asset_is_a_noop(self, uploaded):
        video = transcoded(uploaded(size="320x240"))
        with mock.patch.object(transcode, "_write_hls") as write:
            again = transcoded(video)
        write.assert_not_called()
        assert again.hls_path == video.hls_path
        assert again.updated_at == video.updated_at

    def test_failed_asset_can_be_run_again(self, uploaded):
        video = uploaded(size="320x240")
        with mock.patch.object(
            transcode, "_write_hls", side_effect=OSError(28, "No space left")
        ):
            assert transcoded(video).status == VideoStatus.FAILED
        video = transcoded(video)
        assert video.status == VideoStatus.READY
        assert video.error == ""


class TestHostileSourceAtTranscode:
    """Defence in depth for finding 5 of issue 13: should a playlist or script get
    past the upload (an older row, a file swapped on disk), the transcode refuses
    it too and nothing of the files it names is published."""

    @pytest.fixture
    def hostile(self, uploaded, clip):
        def make(content_for) -> VideoAsset:
            video = uploaded(size="320x240")
            original = Path(video.original.path)
            neighbour = make_mpegts(clip(), original.parent / "neighbour.ts")
            original.write_bytes(content_for(neighbour))
            return video

        return make

    @pytest.mark.parametrize(
        "content_for",
        [hls_playlist_naming, lambda neighbour: ffconcat_naming(neighbour.name)],
        ids=["hls", "ffconcat"],
    )
    def test_playlist_or_script_in_place_of_the_original_fails(
        self, hostile, content_for
    ):
        video = hostile(content_for)
        folder = str(Path(video.original.path).parent)
        video = transcoded(video)
        assert video.status == VideoStatus.FAILED
        assert "not a readable video" in video.error
        # The owner reads the error: it names files, never where the server keeps them.
        assert folder not in video.error
        assert video.hls_path == ""
        assert list(asset_dir(video).iterdir()) == []

    def test_ffmpeg_reads_only_with_the_probed_demuxer(self, hostile):
        # The file becomes a playlist between the probe and the ffmpeg runs: ffmpeg
        # still reads it as the MP4 the probe saw, and fails.
        video = hostile(hls_playlist_naming)
        folder = str(Path(video.original.path).parent)
        mp4 = ProbeResult(
            duration=2, width=320, height=240, fps=25, has_audio=True, demuxer="mov"
        )
        with mock.patch.object(transcode, "video_probe", return_value=mp4):
            video = transcoded(video)
        assert video.status == VideoStatus.FAILED
        assert "ffmpeg failed" in video.error
        assert folder not in video.error
        assert list(asset_dir(video).iterdir()) == []


class TestRequeueStuckVideos:
    def test_requeues_only_old_stuck_assets(self, uploaded):
        stuck = uploaded(size="320x240")
        fresh = uploaded(size="320x240")
        old = timezone.now() - timedelta(minutes=90)
        VideoAsset.objects.filter(pk=stuck.pk).update(
            status=VideoStatus.PROCESSING, updated_at=old
        )
        VideoAsset.objects.filter(pk=fresh.pk).update(status=VideoStatus.PROCESSING)
        call_command("requeue_stuck_videos", "--older-than-minutes", "60")
        stuck.refresh_from_db()
        fresh.refresh_from_db()
        assert stuck.status == VideoStatus.READY  # eager Celery ran it
        assert fresh.status == VideoStatus.PROCESSING

    def test_failed_only_with_flag(self, uploaded):
        video = uploaded(size="320x240")
        VideoAsset.objects.filter(pk=video.pk).update(
            status=VideoStatus.FAILED,
            updated_at=timezone.now() - timedelta(minutes=5),
        )
        call_command("requeue_stuck_videos", "--older-than-minutes", "1")
        video.refresh_from_db()
        assert video.status == VideoStatus.FAILED
        call_command(
            "requeue_stuck_videos", "--older-than-minutes", "1", "--include-failed"
        )
        video.refresh_from_db()
        assert video.status == VideoStatus.READY


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
class TestTranscodeOnRealWorker:
    def test_upload_is_transcoded_by_media_worker(
        self, client_as, course_instructor, media_root, clip
    ):
        from tests.worker import real_worker

        with real_worker(queue="media"):
            response = client_as(course_instructor).post(
                "/api/v1/videos",
                {
                    "title": "Worker",
                    "file": SimpleUploadedFile("w.mp4", clip().read_bytes()),
                },
                format="multipart",
            )
            assert response.status_code == 201
            video_id = response.json()["data"]["id"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                video = VideoAsset.objects.get(pk=video_id)
                if video.status in (VideoStatus.READY, VideoStatus.FAILED):
                    break
                time.sleep(0.3)
        assert video.status == VideoStatus.READY, video.error
        assert (media_root / video.hls_path / "master.m3u8").is_file()
