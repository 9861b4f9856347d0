"""docker/nginx.conf: the internal locations Django's X-Accel-Redirect answers name,
their MIME types and caching; `nginx -t` on it (`make test` installs Nginx)."""

import base64
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.support import system_tool

CONF = Path(settings.BASE_DIR) / "docker" / "nginx.conf"
COMPOSE = Path(settings.BASE_DIR) / "docker" / "compose.yaml"


def text() -> str:
    return re.sub(r"#[^\n]*", "", CONF.read_text())


def blocks(source: str, keyword: str) -> dict[str, str]:
    """``{argument: body}`` of every ``keyword argument { body }`` block."""
    found = {}
    # An argument may be quoted (a regex with braces must be).
    argument = r'(?:[~=]\s+)?"[^"]*"|[^{;"]+?'
    for match in re.finditer(rf"\b{keyword}\s+({argument})\s*\{{", source):
        depth, start = 1, match.end()
        index = start
        while depth:
            depth += {"{": 1, "}": -1}.get(source[index], 0)
            index += 1
        found[match.group(1).strip()] = source[start : index - 1]
    return found


def directives(body: str, name: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"(?:^|[;{{}}\s]){name}\s+([^;]*);", body)]


MB = 1024 * 1024


def megabytes_of(size: str) -> int:
    assert size.endswith("m"), size
    return int(size[:-1])


def megabytes(body: str) -> int:
    """A location's own client_max_body_size, in megabytes."""
    (size,) = directives(body, "client_max_body_size")
    return megabytes_of(size)


@pytest.fixture(scope="module")
def locations() -> dict[str, str]:
    return blocks(text(), "location")


def location_for(locations, path: str) -> str:
    """The body of the location Nginx would pick for ``path`` (regex locations
    win over prefixes, as none of ours uses ``^~``)."""
    for argument, body in locations.items():
        # PCRE's (?<name>…) is Python's (?P<name>…).
        pattern = argument[2:].strip().strip('"').replace("(?<", "(?P<")
        if argument.startswith("~ ") and re.search(pattern, path):
            return body
    prefixes = [a for a in locations if not a.startswith(("~", "="))]
    best = max((a for a in prefixes if path.startswith(a)), key=len)
    return locations[best]


class TestMimeTypes:
    @pytest.mark.parametrize(
        ("path", "mime", "extension"),
        [
            ("/protected/hls/1/t/master.m3u8", "application/vnd.apple.mpegurl", "m3u8"),
            ("/protected/hls/1/t/720p/segment_00001.ts", "video/mp2t", "ts"),
            ("/protected/videos/captions/0a1b.vtt", "text/vtt", "vtt"),
        ],
    )
    def test_each_protected_location_pins_its_type(
        self, locations, path, mime, extension
    ):
        body = location_for(locations, path)
        location_types = re.search(r"types\s*\{([^}]*)\}", body).group(1)
        assert re.search(rf"{re.escape(mime)}\s+[^;]*\b{extension}\b", location_types)

    def test_webvtt_known_everywhere(self):
        http_types = re.search(r"types\s*\{([^}]*)\}", text()).group(1)
        assert re.search(r"text/vtt\s+vtt;", http_types)


class TestProtectedLocations:
    @pytest.mark.parametrize(
        "path",
        [
            "/protected/hls/7/abc/master.m3u8",
            "/protected/hls/7/abc/720p/index.m3u8",
            "/protected/hls/7/abc/720p/segment_00001.ts",
            "/protected/hls/7/abc/poster.jpg",
            "/protected/videos/captions/0a1b.vtt",
            "/protected/documents/notes.pdf",
            "/protected/certificates/x.pdf",
        ],
    )
    def test_every_protected_path_is_internal(self, locations, path):
        body = location_for(locations, path)
        assert re.search(r"(^|[\s;])internal;", body)
        (alias,) = directives(body, "alias")
        assert alias.startswith("/srv/media/")

    def test_accel_prefix_matches_the_setting(self, locations):
        assert settings.MEDIA_ACCEL_PREFIX == "/protected/"
        assert "/protected/" in locations

    def test_playlists_are_not_cached_segments_are(self, locations):
        playlist = location_for(locations, "/protected/hls/1/t/720p/index.m3u8")
        segment = location_for(locations, "/protected/hls/1/t/720p/segment_00000.ts")
        assert directives(playlist, "expires") == ["epoch"]
        assert directives(segment, "expires") == ["7d"]
        for body in (playlist, segment):
            assert any("private" in h for h in directives(body, "add_header"))
        assert "application/vnd.apple.mpegurl m3u8" in playlist
        assert "video/mp2t ts" in segment

    def test_signed_hls_folder_is_checked_and_served_from_hls_only(
        self, locations, settings
    ):
        """The location that serves a video's variant playlists and segments on
        the folder URL Django signs (``signed_folder_url``): the same signed string
        and prefix, files under /srv/media/hls/ only, playlists re-read."""
        from content.services.videos.playlists import secure_link_sign

        md5 = "A" * 22
        body = location_for(
            locations, f"/hls-signed/{md5}/1700000000/7/abc/720p/segment_00001.ts"
        )
        assert (
            location_for(
                locations, f"/hls-signed/{md5}/1700000000/7/abc/720p/index.m3u8"
            )
            == body
        )
        assert directives(body, "secure_link") == ["$hls_md5,$hls_expires"]
        (signed,) = directives(body, "secure_link_md5")
        assert signed == '"$secure_link_expires:$hls_folder $hls_secret"'
        # Django signs the same string with the same secret.
        settings.HLS_SECURE_LINK_SECRET = "s3cret"
        digest = hashlib.md5(b"1700000000:7/abc s3cret").digest()  # noqa: S324
        assert secure_link_sign(folder="7/abc", expires=1700000000) == (
            base64.urlsafe_b64encode(digest).decode().rstrip("=")
        )
        assert settings.HLS_SIGNED_PREFIX == "/hls-signed/"
        assert directives(body, "alias") == ["/srv/media/hls/$hls_folder/$hls_file"]
        assert "application/vnd.apple.mpegurl m3u8" in body
        assert "video/mp2t ts" in body
        cache_map = blocks(text(), "map")["$uri $hls_signed_cache_control"]
        assert re.search(r'~\\.m3u8\$\s+"private, no-cache"', cache_map)
        # Nothing else under the prefix is served by it (a poster, the master).
        for path in (
            f"/hls-signed/{md5}/1700000000/7/abc/poster.jpg",
            f"/hls-signed/{md5}/1700000000/7/abc/master.m3u8",
            f"/hls-signed/{md5}/1700000000/7/abc/720p/../../x/720p/a.ts",
        ):
            assert location_for(locations, path) != body, path

    def test_documents_are_sandboxed(self, locations):
        body = location_for(locations, "/protected/documents/page.html")
        headers = directives(body, "add_header")
        assert "Content-Security-Policy $document_csp always" in headers
        assert "X-Content-Type-Options nosniff always" in headers
        csp_map = blocks(text(), "map")["$sent_http_content_type $document_csp"]
        assert "default             \"default-src 'none'; sandbox\"" in csp_map

    def test_no_public_media_but_image_renditions(self, locations):
        assert re.search(r"return\s+404", locations["/media/"])
        assert directives(locations["/media/images/"], "alias") == [
            "/srv/media/images/"
        ]


def upstream_servers() -> list[str]:
    (upstream,) = blocks(text(), "upstream").values()
    return [entry.split()[0] for entry in directives(upstream, "server")]


class TestReplicas:
    def test_the_upstream_is_every_web_replica_of_compose(self):
        compose = yaml.safe_load(COMPOSE.read_text())
        replicas = sorted(
            f"{name}:8000" for name in compose["services"] if name.startswith("web-")
        )
        assert len(replicas) >= 2
        assert upstream_servers() == replicas

    def test_a_replica_that_moves_is_found_again(self):
        (upstream,) = blocks(text(), "upstream").values()
        assert all(" resolve" in entry for entry in directives(upstream, "server"))
        assert directives(upstream, "zone")  # `resolve` needs shared memory
        assert directives(text(), "resolver") == ["127.0.0.11 valid=10s ipv6=off"]

    def test_metrics_are_not_served_to_the_public(self, locations):
        for path in ("/metrics", "/metrics/"):
            body = location_for(locations, path)
            assert re.search(r"return\s+404", body)
        assert len(re.findall(r"location ~ \^/metrics/\?\$", text())) == 2


class TestServer:
    def test_static_files_cached_long(self, locations):
        body = locations["/static/"]
        assert directives(body, "expires") == ["1y"]
        assert 'Cache-Control "public, immutable" always' in directives(
            body, "add_header"
        )

    def test_upload_limit_fits_the_video_limit(self, locations):
        for path in ("/api/v1/videos", "/api/v1/videos/", "/cms/videos/add/"):
            assert megabytes(location_for(locations, path)) >= (
                settings.VIDEO_MAX_UPLOAD_MB
            )

    def test_other_uploads_fit_their_limits(self, locations):
        documents = megabytes(location_for(locations, "/cms/documents/multiple/add/"))
        assert documents >= settings.DOCUMENT_MAX_UPLOAD_MB
        images = megabytes(location_for(locations, "/cms/images/multiple/add/"))
        assert images * MB >= settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        assert megabytes(location_for(locations, "/api/v1/videos/3/captions")) >= 2

    @pytest.mark.parametrize(
        "path",
        ["/api/v1/auth/login", "/api/v1/videos/3", "/api/v1/courses", "/cms/pages/"],
    )
    def test_everything_else_takes_small_bodies(self, locations, path):
        """An anonymous 2 GB body to the sign-in endpoint stops at Nginx."""
        body = location_for(locations, path)
        assert directives(body, "client_max_body_size") == []
        # The server-wide default (http block, two-space indent) matches Django's.
        assert re.search(r"^  client_max_body_size 1m;$", CONF.read_text(), re.M)
        assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MB

    def test_security_headers_on_what_nginx_answers(self, locations):
        for path in ("/static/", "/protected/documents/", "/protected/"):
            headers = " ".join(directives(locations[path], "add_header"))
            assert "X-Content-Type-Options nosniff" in headers
            assert "Strict-Transport-Security" in headers
        assert directives(text(), "server_tokens") == ["off"]


def test_nginx_accepts_the_configuration(tmp_path):
    """``nginx -t`` on the file, with the compose service name and the certificates
    replaced by local stand-ins."""
    nginx = system_tool("nginx")
    subprocess.run(
        [
            system_tool("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (tmp_path / "hls-secret.conf").write_text('set $hls_secret "test";\n')
    conf = CONF.read_text()
    conf = conf.replace("/etc/nginx/certs/", f"{tmp_path}/")
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", version)
    if found and tuple(map(int, found.groups())) < (1, 27, 3):
        # Before 1.27.3 open-source nginx resolves upstream names only at start-up
        # (no `resolve`), and the compose service names do not resolve here.
        for port, name in enumerate(upstream_servers(), start=8000):
            conf = re.sub(
                rf"server {re.escape(name)} resolve ", f"server 127.0.0.1:{port} ", conf
            )
    if found and tuple(map(int, found.groups())) < (1, 25, 1):
        # Older nginx (e.g. Debian 12's) spells HTTP/2 on the listen directive.
        conf = conf.replace("listen 443 ssl;", "listen 443 ssl http2;").replace(
            "http2 on;", ""
        )
    (tmp_path / "nginx.conf").write_text(conf)
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            f"pid {tmp_path}/nginx.pid;",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
