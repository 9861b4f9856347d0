"""/api/v1/courses/{id}/modules: the ordered module list and appending modules."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from content.models import ModulePage
from content.services import course_archive
from portal.hooks import MODULE_STATE

from .test_api_courses import error, ok, url

pytestmark = pytest.mark.django_db


def modules_url(course) -> str:
    return url(course, "/modules")


def module_body(**fields) -> dict:
    return {"title": "Packet capture", "content_type": "lab", "duration": 30, **fields}


class TestModuleList:
    def test_live_modules_in_tree_order(self, client_as, course_factory):
        course = course_factory(modules=[("Intro", 5), ("Scanning", 20), ("Lab", 40)])
        response = client_as().get(modules_url(course))
        data = ok(response)
        assert [(m["title"], m["order"]) for m in data] == [
            ("Intro", 1),
            ("Scanning", 2),
            ("Lab", 3),
        ]
        first = data[0]
        assert first["content_type"] == "text"
        assert first["duration"] == 5
        assert first["is_mandatory"] is True
        assert first["is_published"] is True
        assert first["url"].endswith("/intro/")
        assert set(first) >= {"id", "description"}
        assert response.json()["meta"]["pagination"]["total"] == 3

    def test_drafts_only_for_authors_who_ask(
        self, client_as, course_factory, module_factory, course_instructor, learner
    ):
        course = course_factory(modules=[("Live one", 5)])
        module_factory(course, title="Draft one")
        assert [m["title"] for m in ok(client_as().get(modules_url(course)))] == [
            "Live one"
        ]
        author = client_as(course_instructor)
        assert len(ok(author.get(modules_url(course)))) == 1
        data = ok(author.get(modules_url(course), {"include_drafts": "true"}))
        assert [(m["title"], m["order"], m["is_published"]) for m in data] == [
            ("Live one", 1, True),
            ("Draft one", 2, False),
        ]
        error(
            client_as(learner).get(modules_url(course), {"include_drafts": "true"}),
            403,
            "PERMISSION_DENIED",
        )
        error(
            client_as().get(modules_url(course), {"include_drafts": "1"}),
            401,
            "NOT_AUTHENTICATED",
        )
        error(
            author.get(modules_url(course), {"include_drafts": "maybe"}),
            400,
            "VALIDATION_ERROR",
            "include_drafts",
        )

    def test_draft_course_modules_are_private(
        self, client_as, course_factory, course_admin, other_instructor, learner
    ):
        draft = course_factory(publish=False, modules=[("Hidden", 5)])
        for user in (None, learner, other_instructor):
            error(client_as(user).get(modules_url(draft)), 404, "NOT_FOUND")
        admin = client_as(course_admin)
        assert ok(admin.get(modules_url(draft))) == []
        data = ok(admin.get(modules_url(draft), {"include_drafts": "true"}))
        assert [m["title"] for m in data] == ["Hidden"]

    def test_order_continues_across_pages(self, client_as, course_factory):
        course = course_factory(modules=[(f"M{n}", 1) for n in range(5)])
        response = client_as().get(modules_url(course), {"page": 2, "per_page": 2})
        assert [(m["title"], m["order"]) for m in ok(response)] == [
            ("M2", 3),
            ("M3", 4),
        ]
        assert response.json()["meta"]["pagination"]["pages"] == 3

    def test_unknown_course_is_404(self, client_as):
        error(client_as().get(modules_url(10**16)), 404, "NOT_FOUND")

    def test_query_count_does_not_grow_with_modules(
        self, client_as, course_factory, django_assert_max_num_queries
    ):
        small = course_factory(title="Small", modules=[("a", 1)] * 3)
        big = course_factory(title="Big", modules=[(f"m{n}", 1) for n in range(25)])
        client = client_as()

        def count(course) -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(modules_url(course), {"per_page": 100})
                assert response.status_code == 200
            return len(queries)

        assert count(small) == count(big)
        cache.clear()
        # The course, count, page, the site and its root paths.
        with django_assert_max_num_queries(5):
            assert len(ok(client.get(modules_url(big), {"per_page": 100}))) == 25

    def test_other_apps_can_add_per_learner_state(
        self, client_as, course_factory, learner
    ):
        """The seam the learning app uses for completion state."""
        course = course_factory(modules=[("One", 1), ("Two", 1)])
        first = course.get_children().first()
        seen = {}

        def provider(*, user, course, modules):
            seen.update(user=user, course=course.pk, count=len(modules))
            return {first.pk: {"completed": True}}

        with hooks.register_temporarily(MODULE_STATE, provider):
            data = ok(client_as(learner).get(modules_url(course)))
        assert [m.get("completed") for m in data] == [True, None]
        assert seen == {"user": learner, "course": course.pk, "count": 2}


class TestModuleCreate:
    def test_appends_draft_modules_last(
        self, client_as, course_factory, course_instructor, course_admin
    ):
        course = course_factory(modules=[("Existing", 5)])
        author = client_as(course_instructor)
        first = ok(author.post(modules_url(course), module_body(), format="json"), 201)
        assert first["order"] == 2
        assert first["is_published"] is False
        assert first["content_type"] == "lab"
        assert first["is_mandatory"] is True
        assert first["is_free_preview"] is False
        second = ok(
            author.post(
                modules_url(course) + "/",
                module_body(title="Wrap-up", content_type="text", is_mandatory=False),
                format="json",
            ),
            201,
        )
        assert (second["order"], second["is_mandatory"]) == (3, False)
        # Drafts until the course is next published.
        assert len(ok(client_as().get(modules_url(course)))) == 1
        ok(client_as(course_admin).post(url(course, "/publish")))
        cache.clear()
        titles = [m["title"] for m in ok(client_as().get(modules_url(course)))]
        assert titles == ["Existing", "Packet capture", "Wrap-up"]
        assert ok(client_as().get(url(course)))["total_duration"] == 65

    def test_free_preview_flag(self, client_as, course_factory, course_instructor):
        course = course_factory()
        data = ok(
            client_as(course_instructor).post(
                modules_url(course), module_body(is_free_preview=True), format="json"
            ),
            201,
        )
        assert data["is_free_preview"] is True
        assert ModulePage.objects.get(pk=data["id"]).is_free_preview is True
        response = client_as(course_instructor).post(
            modules_url(course), module_body(is_free_preview="maybe"), format="json"
        )
        error(response, 400, "VALIDATION_ERROR", "is_free_preview")

    def test_text_body_becomes_paragraphs(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        data = ok(
            client_as(course_instructor).post(
                modules_url(course),
                module_body(body="First <b>para</b>.\n\nSecond."),
                format="json",
            ),
            201,
        )
        body = ModulePage.objects.get(pk=data["id"]).body
        assert [block.block_type for block in body] == ["rich_text"]
        assert body[0].value.source == (
            "<p>First &lt;b&gt;para&lt;/b&gt;.</p><p>Second.</p>"
        )

    def test_block_body_is_validated_and_cleaned(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        blocks = [
            {
                "type": "rich_text",
                "value": '<p onclick="steal()">Hi<script>alert(1)</script> '
                '<a href="javascript:alert(1)">x</a> <b>bold</b></p>',
            },
            {"type": "code", "value": {"language": "bash", "code": "nmap -sV host"}},
            {
                "type": "callout",
                "value": {"kind": "warning", "text": "<p>Only <i>your</i> lab</p>"},
            },
        ]
        data = ok(
            client_as(course_instructor).post(
                modules_url(course), module_body(body=blocks), format="json"
            ),
            201,
        )
        body = ModulePage.objects.get(pk=data["id"]).body
        assert [block.block_type for block in body] == ["rich_text", "code", "callout"]
        html = body[0].value.source
        assert "<b>bold</b>" in html
        for bad in ("script", "onclick", "javascript:"):
            assert bad not in html
        assert body[1].value["code"] == "nmap -sV host"
        assert "<i>your</i>" in body[2].value["text"].source

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "t" * 256}, "title"),
            ({"content_type": "podcast"}, "content_type"),
            ({"content_type": None}, "content_type"),
            ({"duration": -5}, "duration"),
            ({"duration": 100_001}, "duration"),
            ({"duration": "long"}, "duration"),
            ({"description": "d" * 5001}, "description"),
            ({"is_mandatory": "sometimes"}, "is_mandatory"),
            ({"body": 42}, "body"),
            ({"body": {"type": "rich_text"}}, "body"),
            ({"body": [{"type": "nonsense", "value": "x"}]}, "body"),
            ({"body": [{"type": "rich_text"}]}, "body"),
            ({"body": ["text"]}, "body"),
            ({"body": [{"type": "code", "value": {"language": "cobol"}}]}, "body"),
            ({"body": [{"type": "code", "value": "not a struct"}]}, "body"),
            ({"body": [{"type": "image", "value": {"image": 999999}}]}, "body"),
            ({"body": "x" * 100_001}, "body"),
            ({"body": [{"type": "rich_text", "value": "x" * 500_001}]}, "body"),
            ({"body": [{"type": "rich_text", "value": 5}]}, "body"),
            ({"body": [{"type": "rich_text", "value": ["<p>a</p>"]}]}, "body"),
            (
                {"body": [{"type": "callout", "value": {"kind": "tip", "text": 7}}]},
                "body",
            ),
        ],
    )
    def test_strict_validation(
        self, client_as, course_factory, course_instructor, changes, field
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), module_body(**changes), format="json"
        )
        error(response, 400, "VALIDATION_ERROR", field)
        assert not ModulePage.objects.child_of(course).exists()

    def test_missing_fields_are_named(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), {}, format="json"
        )
        error(response, 400, "VALIDATION_ERROR")
        assert {e["field"] for e in response.json()["errors"]} == {
            "title",
            "content_type",
            "duration",
        }

    @pytest.mark.parametrize(
        "changes",
        [
            {"video_id": 999_999},
            {"content_type": "video", "video_id": "OTHER"},
            {"body": [{"type": "video", "value": {"video_id": 999_999}}]},
            {"body": [{"type": "video", "value": {"video_id": "OTHER"}}]},
            {"body": [{"type": "video", "value": {"video_id": "1"}}]},
        ],
    )
    def test_unknown_or_foreign_video_refused(
        self, client_as, course_factory, course_instructor, other_instructor, changes
    ):
        from content.media import VideoAsset

        foreign = VideoAsset.objects.create(
            title="Theirs", owner=other_instructor, original="videos/originals/x"
        )
        changes = json.loads(json.dumps(changes).replace('"OTHER"', str(foreign.pk)))
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), module_body(**changes), format="json"
        )
        first = error(response, 400, "VALIDATION_ERROR")
        assert first["message"].startswith("Unknown video")
        assert first["field"] in {"video_id", "body"}

    @pytest.mark.parametrize(
        "body",
        [
            None,
            "Watch this.",
            [{"type": "code", "value": {"language": "bash", "code": "ls"}}],
        ],
    )
    def test_own_video_becomes_a_video_block(
        self, client_as, course_factory, course_instructor, course_admin, body
    ):
        from content.media import VideoAsset

        video = VideoAsset.objects.create(
            title="Mine", owner=course_instructor, original="videos/originals/y"
        )
        course = course_factory()
        fields = {"content_type": "video", "video_id": video.pk}
        if body is not None:
            fields["body"] = body
        for actor in (course_instructor, course_admin):
            response = client_as(actor).post(
                modules_url(course), module_body(**fields), format="json"
            )
            data = ok(response, 201)
            module = ModulePage.objects.get(
                pk=data["id"]
            ).get_latest_revision_as_object()
            blocks = list(module.body)
            assert blocks[0].block_type == "video"
            assert blocks[0].value["video_id"] == video.pk
            assert len(blocks) == (1 if body is None else 2)

    def test_null_video_id_is_fine(self, client_as, course_factory, course_instructor):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), module_body(video_id=None), format="json"
        )
        ok(response, 201)

    def test_who_may_add(
        self,
        client_as,
        course_factory,
        course_admin,
        other_instructor,
        learner,
    ):
        live = course_factory()
        draft = course_factory(publish=False)
        for user in (other_instructor, learner):
            error(
                client_as(user).post(modules_url(live), module_body(), format="json"),
                403,
                "PERMISSION_DENIED",
            )
        error(
            client_as(other_instructor).post(
                modules_url(draft), module_body(), format="json"
            ),
            404,
            "NOT_FOUND",
        )
        error(
            client_as().post(modules_url(live), module_body(), format="json"),
            401,
            "NOT_AUTHENTICATED",
        )
        assert not ModulePage.objects.exists()
        ok(
            client_as(course_admin).post(
                modules_url(draft), module_body(), format="json"
            ),
            201,
        )

    def test_archived_course_takes_no_new_modules(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        course_archive(actor=course_instructor, course=course)
        response = client_as(course_instructor).post(
            modules_url(course), module_body(), format="json"
        )
        error(response, 409, "CONFLICT")


def test_the_service_cleans_rich_text_whoever_calls_it():
    from content.services import module_body_stream

    stream = module_body_stream(
        body=[
            {
                "type": "rich_text",
                "value": '<p onclick="x()">Hi<script>alert(1)</script></p>',
            }
        ]
    )
    html = stream[0].value.source
    assert "script" not in html
    assert "onclick" not in html
    assert "Hi" in html


# Rich text the editor's converter chokes on (finding 9 of issue 13).
MALFORMED_RICH_TEXT = ["<p><br></p>", "<b>x", "<p><img></p>"]


class TestHostileRichText:
    """Every place a module body takes rich text answers malformed HTML with 400
    ``VALIDATION_ERROR`` on ``body``, never a 500."""

    @pytest.mark.parametrize("html", MALFORMED_RICH_TEXT)
    @pytest.mark.parametrize(
        "body_for",
        [
            lambda html: [{"type": "rich_text", "value": html}],
            lambda html: [{"type": "callout", "value": {"kind": "tip", "text": html}}],
        ],
        ids=["rich_text", "callout"],
    )
    def test_malformed_html_is_a_validation_error(
        self, client_as, course_factory, course_instructor, html, body_for
    ):
        course = course_factory()
        response = client_as(course_instructor).post(
            modules_url(course), module_body(body=body_for(html)), format="json"
        )
        error(response, 400, "VALIDATION_ERROR", "body")
        assert not ModulePage.objects.child_of(course).exists()
