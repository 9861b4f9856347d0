"""Caption tracks (WebVTT) of a video: the owner uploads and removes them, viewers
get them with the playlist's access rule, in the master playlist and in the video's
detail."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.media import VideoAsset, VideoCaption
from content.services import course_publish
from content.services.videos import language_tag_normalize
from learning.services import enrollment_create
from tests.content.video_clips import upload
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

VTT = (
    "WEBVTT\n\n"
    "00:00:00.000 --> 00:00:01.500\nHello, defenders.\n\n"
    "00:00:01.500 --> 00:00:02.000\nBye.\n"
)


def vtt_file(text: str | bytes = VTT, name="subs.vtt"):
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/vtt")


def post_caption(client, video_id, *, language="en", label="English", file=None):
    return client.post(
        f"/api/v1/videos/{video_id}/captions",
        {"language": language, "label": label, "file": file or vtt_file()},
        format="multipart",
    )


def errors(response) -> list:
    return [e.get("field") for e in response.json()["errors"]]


@pytest.fixture
def video(client_as, course_instructor, clip, media_root):
    """An uploaded video (not transcoded: captions do not wait for it)."""
    response = upload(client_as(course_instructor), clip(size="320x240"))
    assert response.status_code == 201
    return VideoAsset.objects.get(pk=response.json()["data"]["id"])


class TestUpload:
    def test_owner_adds_a_track_and_detail_lists_it(
        self, client_as, course_instructor, video
    ):
        client = client_as(course_instructor)
        response = post_caption(client, video.pk, language="pt-br", label="Português")
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        url = f"/api/v1/videos/{video.pk}/hls/captions/pt-BR.vtt"
        assert data == {"language": "pt-BR", "label": "Português", "url": url}
        caption = VideoCaption.objects.get(video=video)
        assert Path(caption.file.path).read_text() == VTT
        assert "subs" not in caption.file.name  # the client's name is not used

        detail = client.get(f"/api/v1/videos/{video.pk}").json()["data"]
        assert detail["captions"] == [data]

    def test_same_language_replaces_the_track(
        self,
        client_as,
        course_instructor,
        video,
        django_capture_on_commit_callbacks,
    ):
        client = client_as(course_instructor)
        assert post_caption(client, video.pk).status_code == 201
        old = Path(VideoCaption.objects.get(video=video).file.path)

        with django_capture_on_commit_callbacks(execute=True):
            response = post_caption(
                client,
                video.pk,
                language="EN",
                label="English (CC)",
                file=vtt_file(VTT.replace("Hello", "Hi")),
            )

        assert response.status_code == 200
        assert response.json()["data"]["label"] == "English (CC)"
        caption = VideoCaption.objects.get(video=video)
        assert "Hi, defenders." in Path(caption.file.path).read_text()
        assert not old.exists()  # the replaced file is removed

    def test_admin_may_add_to_any_video(self, client_as, course_admin, video):
        assert post_caption(client_as(course_admin), video.pk).status_code == 201

    def test_others_are_refused(self, client_as, other_instructor, learner, video):
        assert post_caption(client_as(other_instructor), video.pk).status_code == 404
        assert post_caption(client_as(learner), video.pk).status_code == 403
        assert post_caption(client_as(None), video.pk).status_code == 401
        assert not VideoCaption.objects.exists()

    def test_bom_is_allowed(self, client_as, course_instructor, video):
        file = vtt_file(b"\xef\xbb\xbf" + VTT.encode())
        response = post_caption(client_as(course_instructor), video.pk, file=file)
        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"language": "english"}, "language"),
            ({"language": "e"}, "language"),
            ({"language": "en_US"}, "language"),
            ({"language": "en-"}, "language"),
            ({"language": "../x"}, "language"),
            ({"label": "x" * 65}, "label"),
            ({"label": "   "}, "label"),
            ({"file": vtt_file("00:00.000 --> 00:01.000\nno header\n")}, "file"),
            ({"file": vtt_file("WEBVTTX\n\n00:00.000 --> 00:01.000\nx\n")}, "file"),
            ({"file": vtt_file("WEBVTT\n\nNOTE no cues here\n")}, "file"),
            (
                {"file": vtt_file(b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n")},
                "file",
            ),
            ({"file": vtt_file(b"")}, "file"),
        ],
    )
    def test_invalid_input_names_the_field(
        self, client_as, course_instructor, video, fields, field
    ):
        response = post_caption(client_as(course_instructor), video.pk, **fields)
        assert response.status_code == 400
        assert field in errors(response)
        assert not VideoCaption.objects.exists()

    @pytest.mark.parametrize(
        "style",
        [
            "STYLE\n::cue { background: url(https://tracker.example/p.gif) }\n",
            "STYLE \r\n@import 'https://tracker.example/x.css';\r\n",
        ],
        ids=["url", "import-crlf"],
    )
    def test_style_block_that_could_name_urls_is_refused(
        self, client_as, course_instructor, video, style
    ):
        # Finding 5 of issue 13: captions are text, they carry no references.
        text = "WEBVTT\n\n" + style + "\n" + VTT.removeprefix("WEBVTT\n\n")
        file = vtt_file(text)
        response = post_caption(client_as(course_instructor), video.pk, file=file)
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert (error["code"], error["field"]) == ("VALIDATION_ERROR", "file")
        assert "STYLE" in error["message"]
        assert not VideoCaption.objects.exists()

    def test_file_over_one_megabyte_is_refused(
        self, client_as, course_instructor, video
    ):
        cue = "00:00:00.000 --> 00:00:01.000\nAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n"
        big = "WEBVTT\n\n" + cue * (1024 * 1024 // len(cue) + 1)
        response = post_caption(
            client_as(course_instructor), video.pk, file=vtt_file(big)
        )
        assert response.status_code == 400
        assert errors(response) == ["file"]

    def test_missing_fields(self, client_as, course_instructor, video):
        response = client_as(course_instructor).post(
            f"/api/v1/videos/{video.pk}/captions", {}, format="multipart"
        )
        assert response.status_code == 400
        assert set(errors(response)) == {"language", "label", "file"}

    def test_trailing_slash_works(self, client_as, course_instructor, video):
        response = client_as(course_instructor).post(
            f"/api/v1/videos/{video.pk}/captions/",
            {"language": "en", "label": "English", "file": vtt_file()},
            format="multipart",
        )
        assert response.status_code == 201


class TestDelete:
    def test_owner_removes_a_track(
        self,
        client_as,
        course_instructor,
        video,
        django_capture_on_commit_callbacks,
    ):
        client = client_as(course_instructor)
        post_caption(client, video.pk, language="de", label="Deutsch")
        path = Path(VideoCaption.objects.get().file.path)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.delete(f"/api/v1/videos/{video.pk}/captions/DE")

        assert response.status_code == 200
        assert response.json()["data"] == {"language": "de", "label": "Deutsch"}
        assert not VideoCaption.objects.exists()
        assert not path.exists()
        again = client.delete(f"/api/v1/videos/{video.pk}/captions/de/")
        assert again.status_code == 404

    def test_others_may_not_remove(
        self, client_as, course_instructor, other_instructor, learner, video
    ):
        post_caption(client_as(course_instructor), video.pk)
        url = f"/api/v1/videos/{video.pk}/captions/en"
        assert client_as(other_instructor).delete(url).status_code == 404
        assert client_as(learner).delete(url).status_code == 403
        assert client_as(None).delete(url).status_code == 401
        assert VideoCaption.objects.count() == 1


class TestDetailQueries:
    def test_caption_count_does_not_add_queries(
        self, client_as, course_instructor, video, django_assert_max_num_queries
    ):
        client = client_as(course_instructor)
        post_caption(client, video.pk, language="en")
        with CaptureQueriesContext(connection) as one:
            client.get(f"/api/v1/videos/{video.pk}")
        first = len(one)  # read now: later requests reset the query log
        assert 0 < first <= 3
        for language in ("de", "fr", "es", "pt-BR", "zh-Hant"):
            post_caption(client, video.pk, language=language)
        with django_assert_max_num_queries(first):
            response = client.get(f"/api/v1/videos/{video.pk}")
        assert len(response.json()["data"]["captions"]) == 6


@pytest.fixture
def course_with_video(ready_video, course_factory, module_factory, course_admin):
    course = course_factory(title="Captioned course", publish=False)
    module_factory(course, title="Watch this", kind="video", video_id=ready_video.pk)
    return course_publish(actor=course_admin, course=course)


class TestServing:
    def test_viewers_get_the_track_and_playlists(
        self, client_as, course_instructor, ready_video, course_with_video
    ):
        post_caption(client_as(course_instructor), ready_video.pk, label='Eng "CC"')
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course_with_video.pk)
        client = client_as(learner)
        base = f"/api/v1/videos/{ready_video.pk}/hls"

        track = client.get(f"{base}/captions/en.vtt")
        assert track.status_code == 200
        assert track["Content-Type"].startswith("text/vtt")
        assert b"".join(track.streaming_content).decode() == VTT

        master = client.get(f"{base}/master.m3u8").getvalue().decode()
        assert (
            '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Eng \'CC\'",'
            'LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="captions/en.m3u8"'
        ) in master
        variants = [x for x in master.splitlines() if x.startswith("#EXT-X-STREAM")]
        assert len(variants) == 3
        assert all(v.endswith(',SUBTITLES="subs"') for v in variants)

        playlist = client.get(f"{base}/captions/en.m3u8")
        assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
        lines = playlist.getvalue().decode().splitlines()
        assert lines[0] == "#EXTM3U"
        assert "en.webvtt" in lines
        assert lines[-1] == "#EXT-X-ENDLIST"
        assert f"#EXTINF:{ready_video.duration:.3f}," in lines

        # The HLS segment maps cue time 0 to the start of the MPEG-TS timeline.
        hls_segment = client.get(f"{base}/captions/en.webvtt")
        assert hls_segment["Content-Type"].startswith("text/vtt")
        assert hls_segment.getvalue().decode() == VTT.replace(
            "WEBVTT\n",
            "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n",
            1,
        )

    def test_master_without_captions_has_no_subtitle_group(
        self, client_as, course_instructor, ready_video
    ):
        master = client_as(course_instructor).get(
            f"/api/v1/videos/{ready_video.pk}/hls/master.m3u8"
        )
        text = master.getvalue().decode()
        assert "SUBTITLES" not in text
        assert text.count("#EXT-X-STREAM-INF") == 3

    def test_outsiders_do_not_get_the_track(
        self, client_as, course_instructor, ready_video, course_with_video
    ):
        post_caption(client_as(course_instructor), ready_video.pk)
        base = f"/api/v1/videos/{ready_video.pk}/hls/captions"
        for url in (f"{base}/en.vtt", f"{base}/en.m3u8", f"{base}/en.webvtt"):
            assert client_as(UserFactory()).get(url).status_code == 404
            assert client_as(None).get(url).status_code == 401

    def test_unknown_language_is_not_found(
        self, client_as, course_instructor, ready_video
    ):
        client = client_as(course_instructor)
        base = f"/api/v1/videos/{ready_video.pk}/hls/captions"
        assert client.get(f"{base}/fr.vtt").status_code == 404
        assert client.get(f"{base}/fr.m3u8").status_code == 404
        assert client.get(f"{base}/fr.webvtt").status_code == 404
        assert client.get(f"{base}/not_a_tag.vtt").status_code == 404


class TestLanguageTags:
    @pytest.mark.parametrize(
        ("tag", "expected"),
        [
            ("en", "en"),
            ("EN-us", "en-US"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("sl-rozaj-biske", "sl-rozaj-biske"),
            ("english", None),
            ("en-", None),
            ("", None),
            ("x" * 40, None),
        ],
    )
    def test_normalize(self, tag, expected):
        assert language_tag_normalize(tag=tag) == expected
