"""Behind Nginx with HLS_SECURE_LINK_SECRET, Django checks access once per master
playlist and names the variants by a signed, expiring URL of the video's folder
that Nginx's secure_link verifies: the signature Django writes is the one Nginx
accepts for that folder's variant playlists and segments and nothing else, a
tampered or expired URL is refused, and someone who may not watch gets no URLs."""

import base64
import hashlib
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from content.media import VideoAsset, VideoStatus
from content.services.videos.playlists import (
    secure_link_sign,
    signed_folder_url,
    signed_url_expiry,
)
from tests.portal.factories import UserFactory
from tests.support import system_tool

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


def playlist_url(asset, name="360p/index.m3u8") -> str:
    return f"/api/v1/videos/{asset.pk}/hls/{name}"


def nginx_md5(expires: int, folder: str) -> str:
    digest = hashlib.md5(f"{expires}:{folder} {SECRET}".encode()).digest()  # noqa: S324
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def uris(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


SIGNED = re.compile(
    r"^/hls-signed/(?P<md5>[^/]+)/(?P<expires>[0-9]+)/t/run1/(?P<file>.+)$"
)


def signed_parts(url: str) -> tuple[str, int, str]:
    match = SIGNED.fullmatch(url)
    assert match, url
    return match["md5"], int(match["expires"]), match["file"]


class TestSignedPlaylists:
    def test_master_names_the_variants_by_a_signed_folder_url(
        self, signed, asset, client_as, course_instructor
    ):
        before = time.time()
        response = client_as(course_instructor).get(playlist_url(asset, "master.m3u8"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.apple.mpegurl"
        (variant,) = uris(response.content.decode())
        md5, expires, file = signed_parts(variant)
        assert file == "360p/index.m3u8"
        assert before + 900 <= expires <= time.time() + 900 + 60
        assert md5 == nginx_md5(expires, "t/run1")

    def test_without_the_secret_the_master_names_variants_relatively(
        self, settings, media_root, asset, client_as, course_instructor
    ):
        settings.MEDIA_ACCEL_REDIRECT = True
        settings.HLS_SECURE_LINK_SECRET = ""
        response = client_as(course_instructor).get(playlist_url(asset, "master.m3u8"))
        assert uris(response.content.decode()) == ["360p/index.m3u8"]

    def test_variant_read_through_the_api_names_signed_segments(
        self, signed, asset, client_as, course_instructor
    ):
        response = client_as(course_instructor).get(playlist_url(asset))
        assert response.status_code == 200
        assert "X-Accel-Redirect" not in response
        urls = uris(response.content.decode())
        # The line that would leave the folder is dropped, not signed.
        assert len(urls) == 3
        for n, url in enumerate(urls):
            md5, expires, file = signed_parts(url)
            assert file == f"360p/seg_{n:05d}.ts"
            assert md5 == nginx_md5(expires, "t/run1")
        assert "#EXT-X-ENDLIST" in response.content.decode()

    @pytest.mark.parametrize("name", ["master.m3u8", "360p/index.m3u8"])
    def test_who_may_not_watch_gets_no_urls(self, signed, asset, client_as, name):
        stranger = client_as(UserFactory(role="student"))
        assert stranger.get(playlist_url(asset, name)).status_code == 404
        assert client_as().get(playlist_url(asset, name)).status_code == 401

    def test_without_the_secret_nginx_serves_the_file_as_before(
        self, settings, media_root, asset, client_as, course_instructor
    ):
        settings.MEDIA_ACCEL_REDIRECT = True
        settings.HLS_SECURE_LINK_SECRET = ""
        response = client_as(course_instructor).get(playlist_url(asset))
        assert response.status_code == 200
        assert response["X-Accel-Redirect"].endswith("/360p/index.m3u8")

    @pytest.mark.parametrize("hls_path", ["videos/1/x", "hls/../etc", "hls/a b"])
    def test_a_folder_nginx_would_not_match_is_never_signed(self, signed, hls_path):
        with pytest.raises(ValueError, match="outside the hls"):
            signed_folder_url(video=VideoAsset(hls_path=hls_path))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nginx_accepts_what_django_signs_and_nothing_else(
    signed, asset, tmp_path, media_root, client_as, course_instructor
):
    """bench/nginx.conf.template's /hls-signed/ location (docker/nginx.conf's,
    without TLS) with a real Nginx."""
    media = Path(signed.MEDIA_ROOT) / "hls" / "t"
    (media / "run1" / "secret.txt").write_bytes(b"private")
    (media / "run2" / "360p").mkdir(parents=True)
    (media / "run2" / "360p" / "seg_00001.ts").write_bytes(bytes([1]) * 1000)
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
            system_tool("nginx"),
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
        base = f"http://127.0.0.1:{port}"

        def fetch(path: str) -> tuple[int, bytes]:
            try:
                with urllib.request.urlopen(base + path) as response:  # noqa: S310
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, b""

        # What a player does: the variant named by Django's master playlist, then
        # its segments, whose relative names resolve under the signed folder.
        master = client_as(course_instructor).get(playlist_url(asset, "master.m3u8"))
        (variant,) = uris(master.content.decode())
        status, body = fetch(variant)
        assert status == 200
        segments = [line for line in uris(body.decode()) if line.endswith(".ts")]
        assert segments[:3] == [f"seg_{n:05d}.ts" for n in range(3)]
        folder_url = variant.rsplit("/", 1)[0]
        assert fetch(f"{folder_url}/seg_00001.ts") == (200, bytes([1]) * 1000)

        md5, expires, _ = signed_parts(variant)
        other = f"/hls-signed/{md5}/{expires}/t/run2/360p/seg_00001.ts"
        forged = (
            f"/hls-signed/AAAAAAAAAAAAAAAAAAAAAA/{expires}/t/run1/360p/seg_00001.ts"
        )
        later = f"/hls-signed/{md5}/{expires + 60}/t/run1/360p/seg_00001.ts"
        # Another video's folder with this signature, a forged signature, a later
        # expiry than the one signed.
        assert fetch(other)[0] == 403
        assert fetch(forged)[0] == 403
        assert fetch(later)[0] == 403
        # Anything but a rendition's playlist or segment is not served from there,
        # nor is a path that climbs out of the folder.
        for path in (
            f"/hls-signed/{md5}/{expires}/t/run1/secret.txt",
            f"/hls-signed/{md5}/{expires}/t/run1/360p/../../run2/360p/seg_00001.ts",
            f"/hls-signed/{md5}/{expires}/t/run1/360p/%2e%2e/x.ts",
            "/hls-signed/t/run1/360p/seg_00001.ts",
        ):
            status, body = fetch(path)
            assert status != 200 or body != bytes([1]) * 1000, path
            assert body != b"private", path
        # Signed correctly but expired.
        past = int(time.time()) - 10
        sig = secure_link_sign(folder="t/run1", expires=past)
        assert fetch(f"/hls-signed/{sig}/{past}/t/run1/360p/seg_00001.ts")[0] == 410
    finally:
        pid = (tmp_path / "nginx.pid").read_text().strip()
        subprocess.run(["kill", pid], check=False)
