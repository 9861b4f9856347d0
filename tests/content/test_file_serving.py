"""portal.files: protected files streamed with byte ranges, or handed to Nginx."""

import os

import pytest
from django.test import RequestFactory
from django.utils.http import http_date

from portal.files import (
    ATTACHMENT,
    INLINE,
    FileRefused,
    content_disposition,
    parse_range,
    protected_file_response,
)

BODY = bytes(range(256)) * 4  # 1024 bytes, each offset recognisable


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.MEDIA_ACCEL_REDIRECT = False
    (settings.MEDIA_ROOT / "docs").mkdir()
    path = settings.MEDIA_ROOT / "docs" / "file.bin"
    path.write_bytes(BODY)
    return path


def get(path, **headers):
    request = RequestFactory().get("/file", headers=headers)
    return protected_file_response(
        request, path, content_type="application/octet-stream", filename="file.bin"
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class TestRanges:
    def test_whole_file(self, media):
        response = get(media)
        assert response.status_code == 200
        assert body(response) == BODY
        assert response["Content-Length"] == "1024"
        assert response["Accept-Ranges"] == "bytes"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_closed_range(self, media):
        response = get(media, Range="bytes=10-19")
        assert response.status_code == 206
        assert body(response) == BODY[10:20]
        assert response["Content-Range"] == "bytes 10-19/1024"
        assert response["Content-Length"] == "10"

    def test_open_range(self, media):
        response = get(media, Range="bytes=1000-")
        assert response.status_code == 206
        assert body(response) == BODY[1000:]
        assert response["Content-Range"] == "bytes 1000-1023/1024"

    def test_end_past_the_file_is_clamped(self, media):
        response = get(media, Range="bytes=1020-5000")
        assert response.status_code == 206
        assert body(response) == BODY[1020:]
        assert response["Content-Range"] == "bytes 1020-1023/1024"

    def test_suffix_range(self, media):
        response = get(media, Range="bytes=-5")
        assert response.status_code == 206
        assert body(response) == BODY[-5:]
        assert response["Content-Range"] == "bytes 1019-1023/1024"

    def test_suffix_longer_than_the_file_is_the_whole_file(self, media):
        response = get(media, Range="bytes=-5000")
        assert response.status_code == 206
        assert body(response) == BODY
        assert response["Content-Range"] == "bytes 0-1023/1024"

    @pytest.mark.parametrize("header", ["bytes=1024-", "bytes=4000-4010", "bytes=-0"])
    def test_unsatisfiable(self, media, header):
        response = get(media, Range=header)
        assert response.status_code == 416
        assert response["Content-Range"] == "bytes */1024"
        assert response.content == b""

    @pytest.mark.parametrize(
        "header", ["bytes=0-1,5-6", "items=0-4", "bytes=9-2", "bytes=x-y", "bytes=-"]
    )
    def test_multiple_or_malformed_ranges_get_the_whole_file(self, media, header):
        response = get(media, Range=header)
        assert response.status_code == 200
        assert body(response) == BODY

    def test_if_range_with_a_stale_etag_gets_the_whole_file(self, media):
        etag = get(media)["ETag"]
        assert get(media, Range="bytes=0-3", **{"If-Range": etag}).status_code == 206
        stale = get(media, Range="bytes=0-3", **{"If-Range": '"other"'})
        assert stale.status_code == 200
        assert body(stale) == BODY

    def test_parse_range_edge_cases(self):
        assert parse_range(None, 10) is None
        assert parse_range("bytes=0-0", 10) == (0, 0)
        assert parse_range("bytes=0-", 0) == "unsatisfiable"
        assert parse_range("bytes=-1", 0) == "unsatisfiable"


class TestConditionalRequests:
    def test_etag_match_is_not_modified(self, media):
        first = get(media)
        assert first["ETag"].startswith('"')
        second = get(media, **{"If-None-Match": first["ETag"]})
        assert second.status_code == 304
        assert second["ETag"] == first["ETag"]

    def test_if_modified_since(self, media):
        mtime = int(os.stat(media).st_mtime)
        assert get(media, **{"If-Modified-Since": http_date(mtime)}).status_code == 304
        assert (
            get(media, **{"If-Modified-Since": http_date(mtime - 60)}).status_code
            == 200
        )

    def test_changed_file_gets_a_new_etag(self, media):
        etag = get(media)["ETag"]
        media.write_bytes(BODY + b"more")
        response = get(media, **{"If-None-Match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag


class TestContainment:
    @pytest.mark.parametrize(
        "relative", ["../outside.txt", "docs/../../outside.txt", "/etc/passwd"]
    )
    def test_paths_outside_media_root_refused(self, media, settings, relative):
        (settings.MEDIA_ROOT.parent / "outside.txt").write_text("secret")
        with pytest.raises(FileRefused):
            get(relative)

    def test_symlink_out_of_media_root_refused(self, media, settings):
        secret = settings.MEDIA_ROOT.parent / "secret.txt"
        secret.write_text("secret")
        (settings.MEDIA_ROOT / "docs" / "link.txt").symlink_to(secret)
        with pytest.raises(FileRefused):
            get(settings.MEDIA_ROOT / "docs" / "link.txt")

    def test_missing_file_and_directories_refused(self, media, settings):
        with pytest.raises(FileRefused):
            get(settings.MEDIA_ROOT / "docs" / "nope.bin")
        with pytest.raises(FileRefused):
            get(settings.MEDIA_ROOT / "docs")
        with pytest.raises(FileRefused):
            get(settings.MEDIA_ROOT)

    def test_relative_paths_are_under_media_root(self, media):
        assert body(get("docs/file.bin")) == BODY


class TestAccelRedirect:
    def test_nginx_sends_the_bytes(self, media, settings):
        settings.MEDIA_ACCEL_REDIRECT = True
        response = get(media, Range="bytes=0-3")
        assert response.status_code == 200  # Nginx answers the range itself
        assert response["X-Accel-Redirect"] == "/protected/docs/file.bin"
        assert response.content == b""
        assert response["Content-Type"] == "application/octet-stream"

    def test_names_are_percent_encoded(self, media, settings):
        settings.MEDIA_ACCEL_REDIRECT = True
        odd = settings.MEDIA_ROOT / "docs" / "résumé 1?.pdf"
        odd.write_bytes(b"%PDF")
        request = RequestFactory().get("/file")
        response = protected_file_response(request, odd, content_type="application/pdf")
        assert response["X-Accel-Redirect"] == (
            "/protected/docs/r%C3%A9sum%C3%A9%201%3F.pdf"
        )

    def test_containment_holds_in_nginx_mode(self, media, settings):
        settings.MEDIA_ACCEL_REDIRECT = True
        with pytest.raises(FileRefused):
            get("../x")


class TestContentDisposition:
    def test_plain_name(self):
        assert (
            content_disposition(INLINE, "notes.pdf") == 'inline; filename="notes.pdf"'
        )

    def test_no_name(self):
        assert content_disposition(ATTACHMENT, None) == "attachment"
        assert content_disposition(ATTACHMENT, "\n\r") == "attachment"

    def test_nasty_name(self):
        value = content_disposition(ATTACHMENT, 'a"b\\c\r\nSet-Cookie: x=1;é.pdf')
        assert "\r" not in value
        assert "\n" not in value
        fallback = value.split('filename="', 1)[1].split('"', 1)[0]
        assert '"' not in fallback
        assert "\\" not in fallback
        assert fallback == "ab_cSet-Cookie: x=1;e.pdf"
        assert value.endswith(
            "; filename*=UTF-8''a%22b_cSet-Cookie%3A%20x%3D1%3B%C3%A9.pdf"
        )

    def test_non_ascii_name_keeps_its_extension(self):
        value = content_disposition(ATTACHMENT, "отчёт.pdf")
        assert value == (
            'attachment; filename="download.pdf"; '
            "filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf"
        )

    def test_path_separators_do_not_survive(self):
        value = content_disposition(ATTACHMENT, "../../etc/passwd")
        assert "/" not in value.split(";", 1)[1].replace("UTF-8''", "")

    def test_unknown_disposition_refused(self):
        with pytest.raises(ValueError, match="disposition"):
            content_disposition("evil", "x")


@pytest.mark.django_db
class TestVideoFileView:
    """The HLS files go through the same helper: ranges, validators, caching."""

    def test_segment_ranges_and_validators(
        self, client_as, course_instructor, ready_video
    ):
        client = client_as(course_instructor)
        url = f"/api/v1/videos/{ready_video.pk}/hls/360p/segment_00000.ts"
        whole = client.get(url)
        data = body(whole)
        assert whole["Accept-Ranges"] == "bytes"
        assert whole["Cache-Control"] == "private, max-age=604800, immutable"
        part = client.get(url, HTTP_RANGE="bytes=188-375")
        assert part.status_code == 206
        assert body(part) == data[188:376]
        assert part["Content-Range"] == f"bytes 188-375/{len(data)}"
        past = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
        assert past.status_code == 416
        assert past["Content-Range"] == f"bytes */{len(data)}"
        again = client.get(url, HTTP_IF_NONE_MATCH=whole["ETag"])
        assert again.status_code == 304

    def test_rendition_playlists_are_revalidated(
        self, client_as, course_instructor, ready_video
    ):
        response = client_as(course_instructor).get(
            f"/api/v1/videos/{ready_video.pk}/hls/360p/index.m3u8"
        )
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-cache"
        assert body(response).startswith(b"#EXTM3U")
