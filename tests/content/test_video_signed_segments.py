"""Behind Nginx with HLS_SECURE_LINK_SECRET, Django checks access once per variant
playlist and rewrites its segment lines to signed, expiring URLs that Nginx's
secure_link verifies: the signature Django writes is the one Nginx accepts, a
tampered or expired URL is refused, and someone who may not watch gets no URLs."""

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from content.media import VideoAsset, VideoStatus
from content.services.videos import signed_variant_playlist_text
from content.services.videos.playlists import secure_link_sign, signed_url_expiry
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "test-hls-secret"
HLS_PATH = "hls/t/run1"


@pytest.fixture
def signed(settings, media_root):
    settings.MEDIA_ACCEL_REDIRECT = True
    settings.HLS_SECURE_LINK_SECRET = SECRET
    settings.HLS_SIGNED_URL_TTL = 900
    return settings


@pytest.fixture
def asset(media_root, course_instructor):
    folder = Path(media_root) / HLS_PATH / "360p"
    folder.mkdir(parents=True)
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:4"]
    for n in range(3):
        (folder / f"seg_{n:05d}.ts").write_bytes(bytes([n]) * 1000)
        lines += ["#EXTINF:4.0,", f"seg_{n:05d}.ts"]
    lines += ["../../../../etc/passwd", "#EXT-X-ENDLIST"]
    (folder / "index.m3u8").write_text("\n".join(lines) + "\n")
    return VideoAsset.objects.create(
        title="Signed",
        owner=course_instructor,
        original="videos/originals/x.mp4",
        status=VideoStatus.READY,
        renditions=[
            {
                "name": "360p",
                "width": 640,
                "height": 360,
                "bandwidth": 1,
                "playlist": "360p/index.m3u8",
            }
        ],
        hls_path=HLS_PATH,
    )


@pytest.mark.parametrize("now", [1_000_000_020.0, 1_000_000_020.2, 1_000_000_020.999])
def test_expiry_is_never_sooner_than_the_ttl(signed, now):
    # 1_000_000_020 + 900 is a whole minute: a fraction of a second past it must
    # not be truncated into an expiry a fraction short of the TTL.
    expires = signed_url_expiry(now=now)
    assert expires >= now + 900
    assert expires % 60 == 0
    assert expires < now + 900 + 60


def playlist_url(asset) -> str:
    return f"/api/v1/videos/{asset.pk}/hls/360p/index.m3u8"


def nginx_md5(expires: int, uri: str) -> str:
    digest = hashlib.md5(f"{expires}{uri} {SECRET}".encode()).digest()  # noqa: S324
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def segment_urls(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class TestSignedPlaylist:
    def test_segments_are_signed_and_expire(
        self, signed, asset, client_as, course_instructor
    ):
        before = time.time()
        response = client_as(course_instructor).get(playlist_url(asset))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.apple.mpegurl"
        assert "X-Accel-Redirect" not in response
        urls = segment_urls(response.content.decode())
        # The line that would leave the folder is dropped, not signed.
        assert len(urls) == 3
        for n, url in enumerate(urls):
            path, query = url.split("?")
            assert path == f"/hls-signed/t/run1/360p/seg_{n:05d}.ts"
            params = dict(part.split("=") for part in query.split("&"))
            expires = int(params["expires"])
            assert before + 900 <= expires <= time.time() + 900 + 60
            assert params["md5"] == nginx_md5(expires, path)
        assert "#EXT-X-ENDLIST" in response.content.decode()

    def test_who_may_not_watch_gets_no_urls(self, signed, asset, client_as):
        assert (
            client_as(UserFactory(role="student")).get(playlist_url(asset)).status_code
            == 404
        )
        assert client_as().get(playlist_url(asset)).status_code == 401

    def test_without_the_secret_nginx_serves_the_file_as_before(
        self, settings, media_root, asset, client_as, course_instructor
    ):
        settings.MEDIA_ACCEL_REDIRECT = True
        settings.HLS_SECURE_LINK_SECRET = ""
        response = client_as(course_instructor).get(playlist_url(asset))
        assert response.status_code == 200
        assert response["X-Accel-Redirect"].endswith("/360p/index.m3u8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="no nginx binary here")
def test_nginx_accepts_what_django_signs_and_nothing_else(signed, asset, tmp_path):
    """bench/nginx.conf.template's /hls-signed/ location (docker/nginx.conf's,
    without TLS) with a real Nginx."""
    port = _free_port()
    conf = (
        Path(django_settings.BASE_DIR) / "bench" / "nginx.conf.template"
    ).read_text()
    for name, value in {
        "@RUN@": str(tmp_path),
        "@PORT@": str(port),
        "@STATIC@": str(tmp_path),
        "@MEDIA@": str(signed.MEDIA_ROOT),
        "@HLS_SECRET@": SECRET,
    }.items():
        conf = conf.replace(name, value)
    if os.geteuid() == 0:
        # Workers would run as nobody, who cannot read pytest's private folders.
        conf = "user root;\n" + conf
    (tmp_path / "nginx.conf").write_text(conf)
    started = subprocess.run(
        [
            "nginx",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "error.log"),
        ],
        capture_output=True,
        text=True,
    )
    assert started.returncode == 0, started.stderr
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        text = signed_variant_playlist_text(
            video=asset, name="360p/index.m3u8", text="#EXTM3U\nseg_00001.ts\n"
        )
        url = segment_urls(text)[0]
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + url) as response:  # noqa: S310
            assert response.status == 200
            assert response.read() == bytes([1]) * 1000

        def status(path: str) -> int:
            try:
                with urllib.request.urlopen(base + path) as response:  # noqa: S310
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        path = url.split("?")[0]
        # Another segment with this signature, a forged signature, no signature.
        assert status(url.replace("seg_00001", "seg_00002")) == 403
        assert status(path + "?md5=AAAAAAAAAAAAAAAAAAAAAA&expires=9999999999") == 403
        assert status(path) == 403
        # Signed correctly but expired.
        past = int(time.time()) - 10
        assert (
            status(
                f"{path}?md5={secure_link_sign(uri=path, expires=past)}&expires={past}"
            )
            == 410
        )
    finally:
        pid = (tmp_path / "nginx.pid").read_text().strip()
        subprocess.run(["kill", pid], check=False)
