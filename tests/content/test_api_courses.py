"""/api/v1/courses and /api/v1/courses/{id}: the catalog, authoring through revisions,
review and publishing, archival, and who may do what."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import CoursePage
from content.services import course_archive, course_submit, course_update

from .conftest import course_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/courses"


def url(course_or_id, suffix: str = "") -> str:
    return f"/api/v1/courses/{getattr(course_or_id, 'pk', course_or_id)}{suffix}"


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "success"
    assert body["errors"] == []
    assert body["meta"]["version"] == "v1"
    return body["data"]


def error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["data"] is None
    first = body["errors"][0]
    assert first["code"] == code
    if field is not None:
        # Nested fields are named with their path: "learning_outcomes.0".
        named = {(item.get("field") or "").split(".")[0] for item in body["errors"]}
        assert field in named, body["errors"]
    return first


def titles(response) -> list[str]:
    return [item["title"] for item in ok(response)]


class TestCatalogList:
    def test_lists_published_courses_with_their_facts(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory(
            title="Intro to Nmap",
            price="19.90",
            capacity=30,
            modules=[("Scanning", 30), ("Evasion", 45)],
        )
        course_factory(title="Still a draft", publish=False)
        response = client_as().get(LIST)
        data = ok(response)
        assert [item["title"] for item in data] == ["Intro to Nmap"]
        item = data[0]
        assert item["id"] == course.pk
        assert item["slug"] == "intro-to-nmap"
        assert item["url"] == "/courses/intro-to-nmap/"
        assert item["description"] == "<p>Defend networks against intruders.</p>"
        assert item["price"] == "19.90"
        assert item["capacity"] == 30
        assert item["instructor"] == {"id": course_instructor.pk, "name": "Ian Teach"}
        assert item["module_count"] == 2
        assert item["total_duration"] == 75
        assert item["status"] == "published"
        assert item["published_at"] is not None
        assert response.json()["meta"]["pagination"] == {
            "page": 1,
            "per_page": 20,
            "total": 1,
            "pages": 1,
        }

    def test_draft_modules_do_not_count(
        self, client_as, course_factory, module_factory
    ):
        course = course_factory(modules=[("One", 10)])
        module_factory(course, title="Not yet", duration=99)
        [item] = ok(client_as().get(LIST))
        assert (item["module_count"], item["total_duration"]) == (1, 10)

    def test_archived_and_in_review_drafts_are_not_listed(
        self, client_as, course_factory, course_instructor
    ):
        archived = course_factory(title="Archived")
        course_archive(actor=course_instructor, course=archived)
        draft = course_factory(title="Under review", publish=False)
        course_submit(actor=course_instructor, course=draft)
        course_factory(title="Visible")
        assert titles(client_as().get(LIST)) == ["Visible"]

    def test_filters(self, client_as, course_factory, other_instructor):
        course_factory(title="Web", category="Web Security", difficulty_level="expert")
        course_factory(title="Net", category="Networking", difficulty_level="expert")
        course_factory(
            title="Net basics",
            category="Networking",
            difficulty_level="beginner",
            instructor=other_instructor,
        )
        client = client_as()
        assert sorted(titles(client.get(LIST, {"category": "networking"}))) == [
            "Net",
            "Net basics",
        ]
        assert titles(client.get(LIST, {"category": "Networ"})) == []
        assert sorted(titles(client.get(LIST, {"difficulty_level": "expert"}))) == [
            "Net",
            "Web",
        ]
        both = {"category": "NETWORKING", "difficulty_level": "beginner"}
        assert titles(client.get(LIST, both)) == ["Net basics"]
        by_instructor = {"instructor": other_instructor.pk}
        assert titles(client.get(LIST, by_instructor)) == ["Net basics"]

    @pytest.mark.postgres  # ranked full-text search; SQLite falls back to icontains
    def test_full_text_search_of_title_and_description(self, client_as, course_factory):
        course_factory(title="Malware analysis", description="Reverse engineering.")
        course_factory(
            title="Incident response", description="Memory forensics of malware."
        )
        course_factory(title="Cloud security", description="Identity and access.")
        client = client_as()
        # Title matches rank above description matches; stems match too.
        assert titles(client.get(LIST, {"q": "malware"})) == [
            "Malware analysis",
            "Incident response",
        ]
        assert titles(client.get(LIST, {"q": "forensic"})) == ["Incident response"]
        assert titles(client.get(LIST, {"q": "identity access"})) == ["Cloud security"]
        assert titles(client.get(LIST, {"q": "malware -memory"})) == [
            "Malware analysis"
        ]
        assert titles(client.get(LIST, {"q": "quantum"})) == []

    def test_search_never_sees_drafts(self, client_as, course_factory, course_admin):
        course = course_factory(title="Phishing awareness")
        course_update(
            actor=course_admin, course=course, data={"title": "Secret rename"}
        )
        client = client_as()
        assert titles(client.get(LIST, {"q": "secret"})) == []
        assert titles(client.get(LIST, {"q": "phishing"})) == ["Phishing awareness"]

    @pytest.mark.parametrize(
        ("ordering", "expected"),
        [
            ("title", ["alpha", "Bravo", "charlie"]),
            ("-title", ["charlie", "Bravo", "alpha"]),
            ("price", ["Bravo", "charlie", "alpha"]),
            ("-price", ["alpha", "charlie", "Bravo"]),
            ("duration", ["charlie", "alpha", "Bravo"]),
            ("-duration", ["Bravo", "alpha", "charlie"]),
            ("created", ["alpha", "Bravo", "charlie"]),
            ("-created", ["charlie", "Bravo", "alpha"]),
        ],
    )
    def test_ordering(self, client_as, course_factory, ordering, expected):
        course_factory(title="alpha", price="30", estimated_duration=60)
        course_factory(title="Bravo", price="10", estimated_duration=90)
        course_factory(title="charlie", price="20", estimated_duration=30)
        assert titles(client_as().get(LIST, {"ordering": ordering})) == expected

    def test_duration_ordering_is_by_the_duration_shown(
        self, client_as, course_factory
    ):
        # Modules' minutes win over the authored estimate, as in ``total_duration``.
        course_factory(
            title="long estimate", estimated_duration=600, modules=[("a", 5)]
        )
        course_factory(title="no modules", estimated_duration=60)
        course_factory(title="long modules", estimated_duration=1, modules=[("b", 90)])
        response = client_as().get(LIST, {"ordering": "duration"})
        assert titles(response) == ["long estimate", "no modules", "long modules"]

    def test_newest_first_by_default(self, client_as, course_factory):
        for title in ("first", "second", "third"):
            course_factory(title=title)
        assert titles(client_as().get(LIST)) == ["third", "second", "first"]

    def test_pagination(self, client_as, course_factory):
        for n in range(5):
            course_factory(title=f"Course {n}")
        client = client_as()
        response = client.get(LIST, {"ordering": "title", "per_page": 2, "page": 2})
        assert titles(response) == ["Course 2", "Course 3"]
        assert response.json()["meta"]["pagination"] == {
            "page": 2,
            "per_page": 2,
            "total": 5,
            "pages": 3,
        }
        assert ok(client.get(LIST, {"per_page": 2, "page": 9})) == []
        error(client.get(LIST, {"page": 0}), 400, "VALIDATION_ERROR", "page")

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"difficulty_level": "guru"}, "difficulty_level"),
            ({"ordering": "password"}, "ordering"),
            ({"ordering": "instructor__email"}, "ordering"),
            ({"instructor": "abc"}, "instructor"),
            ({"instructor": "0"}, "instructor"),
            ({"q": "x" * 201}, "q"),
            ({"category": "c" * 101}, "category"),
            ({"mine": "perhaps"}, "mine"),
        ],
    )
    def test_bad_parameters_are_400(self, client_as, params, field):
        error(client_as().get(LIST, params), 400, "VALIDATION_ERROR", field)

    def test_thumbnail_rendition(self, client_as, course_factory, thumbnail):
        course_factory(title="Pictured", thumbnail=thumbnail)
        [item] = ok(client_as().get(LIST))
        assert item["thumbnail_url"].startswith("/")
        assert "fill-640x360" in item["thumbnail_url"]

    def test_query_count_does_not_grow_with_courses_or_modules(
        self, client_as, course_factory, thumbnail, django_assert_max_num_queries
    ):
        client = client_as()

        def count_queries(new_courses: int) -> int:
            for n in range(new_courses):
                course_factory(
                    title=f"C{n}", modules=[("a", 5), ("b", 5)], thumbnail=thumbnail
                )
            cache.clear()  # measure the database work, not the cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"per_page": 100})
            assert response.status_code == 200
            return len(queries)

        count_queries(1)  # makes the thumbnail's rendition once
        few = count_queries(2)
        many = count_queries(22)  # 25 courses in all, each with two modules
        assert many == few
        cache.clear()
        # Count, page, thumbnails and their renditions, the site and its root paths.
        with django_assert_max_num_queries(6):
            assert len(ok(client.get(LIST, {"per_page": 100}))) == 25


class TestCourseCreate:
    def test_instructor_creates_a_draft(
        self, client_as, course_factory, course_instructor
    ):
        prerequisite = course_factory(title="Basics")
        body = course_data(
            title="Advanced pivoting",
            description="Move laterally.\n\nStay quiet.",
            price=49.5,
            capacity=12,
            learning_outcomes=["Tunnel traffic", "Evade detection"],
            prerequisites=[prerequisite.pk],
        )
        data = ok(client_as(course_instructor).post(LIST, body, format="json"), 201)
        assert data["status"] == "draft"
        assert data["title"] == "Advanced pivoting"
        assert data["description"] == "<p>Move laterally.</p><p>Stay quiet.</p>"
        assert data["price"] == "49.50"
        assert data["capacity"] == 12
        assert data["instructor"]["id"] == course_instructor.pk
        assert data["learning_outcomes"] == ["Tunnel traffic", "Evade detection"]
        assert data["prerequisites"] == [{"id": prerequisite.pk, "title": "Basics"}]
        course = CoursePage.objects.get(pk=data["id"])
        assert not course.live
        assert course.owner_id == course_instructor.pk
        assert course.latest_revision is not None
        # A draft is nobody else's business.
        assert titles(client_as().get(LIST)) == ["Basics"]

    def test_admin_may_create(self, client_as, course_admin):
        ok(client_as(course_admin).post(LIST, course_data(), format="json"), 201)

    def test_students_may_not(self, client_as, learner):
        response = client_as(learner).post(LIST, course_data(), format="json")
        error(response, 403, "PERMISSION_DENIED")
        assert not CoursePage.objects.filter(title="Network Defense").exists()

    def test_anonymous_is_401(self, client_as):
        error(
            client_as().post(LIST, course_data(), format="json"),
            401,
            "NOT_AUTHENTICATED",
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "   "}, "title"),
            ({"title": "t" * 256}, "title"),
            ({"title": None}, "title"),
            ({"title": ["list"]}, "title"),
            ({"category": ""}, "category"),
            ({"category": "c" * 101}, "category"),
            ({"description": ""}, "description"),
            ({"difficulty_level": "guru"}, "difficulty_level"),
            ({"estimated_duration": -1}, "estimated_duration"),
            ({"estimated_duration": 100_001}, "estimated_duration"),
            ({"estimated_duration": 1.5}, "estimated_duration"),
            ({"estimated_duration": "many"}, "estimated_duration"),
            ({"price": "-1"}, "price"),
            ({"price": "1.999"}, "price"),
            ({"price": "1000000.01"}, "price"),
            ({"price": "NaN"}, "price"),
            ({"price": "Infinity"}, "price"),
            ({"price": "1e400"}, "price"),
            ({"capacity": 0}, "capacity"),
            ({"capacity": 10**12}, "capacity"),
            ({"learning_outcomes": "not a list"}, "learning_outcomes"),
            ({"learning_outcomes": ["o" * 301]}, "learning_outcomes"),
            ({"prerequisites": [10**17]}, "prerequisites"),
            ({"prerequisites": ["x"]}, "prerequisites"),
            ({"title": "nul \x00 byte"}, "title"),
        ],
    )
    def test_strict_validation(self, client_as, course_instructor, changes, field):
        body = {**course_data(), **changes}
        response = client_as(course_instructor).post(LIST, body, format="json")
        error(response, 400, "VALIDATION_ERROR", field)

    def test_missing_fields_are_named(self, client_as, course_instructor):
        response = client_as(course_instructor).post(LIST, {}, format="json")
        error(response, 400, "VALIDATION_ERROR")
        fields = {item["field"] for item in response.json()["errors"]}
        assert fields == {
            "title",
            "description",
            "category",
            "difficulty_level",
            "estimated_duration",
            "price",
        }

    def test_malformed_and_non_object_bodies(self, client_as, course_instructor):
        client = client_as(course_instructor)
        response = client.post(LIST, "{not json", content_type="application/json")
        error(response, 400, "VALIDATION_ERROR")
        error(client.post(LIST, [1, 2], format="json"), 400, "VALIDATION_ERROR")

    def test_prerequisites_must_be_published(
        self, client_as, course_factory, course_instructor
    ):
        draft = course_factory(title="Draft", publish=False)
        archived = course_factory(title="Old")
        course_archive(actor=course_instructor, course=archived)
        body = course_data(prerequisites=[draft.pk, archived.pk])
        response = client_as(course_instructor).post(LIST, body, format="json")
        message = error(response, 400, "VALIDATION_ERROR", "prerequisites")["message"]
        assert str(draft.pk) in message
        assert str(archived.pk) in message

    def test_trailing_slash_keeps_the_body(self, client_as, course_instructor):
        response = client_as(course_instructor).post(
            LIST + "/", course_data(title="Slash"), format="json"
        )
        assert ok(response, 201)["title"] == "Slash"


class TestCourseDetail:
    def test_anyone_reads_a_live_course(self, client_as, course_factory, learner):
        course = course_factory(
            modules=[("a", 10), ("b", 15)], learning_outcomes=["Harden hosts"]
        )
        for user in (None, learner):
            data = ok(client_as(user).get(url(course)))
            assert data["id"] == course.pk
            assert data["status"] == "published"
            assert data["module_count"] == 2
            assert data["total_duration"] == 25
            assert data["learning_outcomes"] == ["Harden hosts"]
            assert data["instructor"]["name"] == "Ian Teach"

    def test_draft_is_hidden_from_everyone_but_its_authors(
        self, client_as, course_factory, learner, other_instructor, course_admin
    ):
        draft = course_factory(title="Secret draft", publish=False)
        for user in (None, learner, other_instructor):
            error(client_as(user).get(url(draft)), 404, "NOT_FOUND")
            error(client_as(user).get(url(draft, "/modules")), 404, "NOT_FOUND")
        for user in (draft.instructor, course_admin):
            data = ok(client_as(user).get(url(draft)))
            assert (data["title"], data["status"]) == ("Secret draft", "draft")

    def test_missing_ids_and_other_pages_are_404(self, client_as, course_factory):
        course = course_factory(modules=[("Module page", 5)])
        module = course.get_children().first()
        client = client_as()
        for target in (
            url(module.pk),
            url(course.get_parent().pk),
            url(10**17),
            url(999_999_999_999_999_999),
        ):
            error(client.get(target), 404, "NOT_FOUND")
        for target in ("/api/v1/courses/abc", "/api/v1/courses/1234567890123456789"):
            error(client.get(target), 404, "NOT_FOUND")

    def test_prerequisites_show_only_live_courses_to_learners(
        self, client_as, course_factory, course_admin
    ):
        basics = course_factory(title="Basics")
        advanced = course_factory(title="Advanced", prerequisites=[basics])
        basics.unpublish(user=course_admin)
        assert ok(client_as().get(url(advanced)))["prerequisites"] == []
        data = ok(client_as(course_admin).get(url(advanced)))
        assert data["prerequisites"] == [{"id": basics.pk, "title": "Basics"}]

    def test_query_count_does_not_grow_with_modules(
        self, client_as, course_factory, course_admin, django_assert_max_num_queries
    ):
        basics = course_factory(title="Basics")
        small = course_factory(
            title="Small", modules=[("a", 1)], prerequisites=[basics]
        )
        big = course_factory(
            title="Big",
            modules=[(f"m{n}", 1) for n in range(12)],
            prerequisites=[basics],
        )
        for course in (small, big):
            course_update(actor=course_admin, course=course, data={"title": "New"})
        anonymous, admin = client_as(), client_as(course_admin)

        def count(client, course) -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(course)).status_code == 200
            return len(queries)

        assert count(anonymous, small) == count(anonymous, big)
        assert count(admin, small) == count(admin, big)
        cache.clear()
        # The course, the site and its root paths, the prerequisites.
        with django_assert_max_num_queries(4):
            assert ok(anonymous.get(url(big)))["module_count"] == 12
        # The author's view rebuilds the latest revision (Wagtail checks its
        # references): more queries, but as many for 1 module as for 12.
        with django_assert_max_num_queries(15):
            data = ok(admin.get(url(big)))
        assert (data["title"], data["module_count"]) == ("New", 12)


class TestCourseUpdate:
    def test_put_saves_a_revision_and_leaves_the_live_version(
        self,
        client_as,
        course_factory,
        course_instructor,
        course_admin,
        django_capture_on_commit_callbacks,
    ):
        course = course_factory(title="Old title", price="10")
        author = client_as(course_instructor)
        data = ok(
            author.put(
                url(course), {"title": "New title", "price": "12.50"}, format="json"
            )
        )
        assert (data["title"], data["price"]) == ("New title", "12.50")
        assert data["category"] == "Networking"  # not sent, unchanged
        assert data["status"] == "published"

        public = ok(client_as().get(url(course)))
        assert (public["title"], public["price"]) == ("Old title", "10.00")
        assert titles(client_as().get(LIST)) == ["Old title"]
        assert ok(author.get(url(course)))["title"] == "New title"

        with django_capture_on_commit_callbacks(execute=True):  # the cache purge
            ok(client_as(course_admin).post(url(course, "/publish")))
        public = ok(client_as().get(url(course)))
        assert (public["title"], public["price"]) == ("New title", "12.50")

    def test_patch_is_a_synonym_and_capacity_can_be_cleared(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory(capacity=20)
        author = client_as(course_instructor)
        data = ok(author.patch(url(course), {"capacity": None}, format="json"))
        assert data["capacity"] is None
        data = ok(
            author.patch(
                url(course) + "/",
                {"learning_outcomes": ["One", "Two"]},
                format="json",
            )
        )
        assert data["learning_outcomes"] == ["One", "Two"]
        assert data["capacity"] is None

    def test_invalid_update_is_400_and_changes_nothing(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        revisions = course.revisions.count()
        response = client_as(course_instructor).put(
            url(course), {"title": "", "price": "-5"}, format="json"
        )
        error(response, 400, "VALIDATION_ERROR", "title")
        assert {e["field"] for e in response.json()["errors"]} == {"title", "price"}
        assert course.revisions.count() == revisions

    def test_a_course_cannot_require_itself(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory()
        response = client_as(course_instructor).put(
            url(course), {"prerequisites": [course.pk]}, format="json"
        )
        error(response, 400, "VALIDATION_ERROR", "prerequisites")

    def test_others_may_not_edit(
        self, client_as, course_factory, other_instructor, learner
    ):
        live = course_factory(title="Live")
        draft = course_factory(title="Draft", publish=False)
        for user in (other_instructor, learner):
            client = client_as(user)
            error(
                client.put(url(live), {"title": "Hacked"}, format="json"),
                403,
                "PERMISSION_DENIED",
            )
            error(
                client.put(url(draft), {"title": "Hacked"}, format="json"),
                404,
                "NOT_FOUND",
            )
        error(
            client_as().put(url(live), {"title": "Hacked"}, format="json"),
            401,
            "NOT_AUTHENTICATED",
        )
        live.refresh_from_db()
        assert live.get_latest_revision_as_object().title == "Live"
        assert draft.get_latest_revision_as_object().title == "Draft"

    def test_permission_is_checked_before_validation(
        self, client_as, course_factory, learner
    ):
        course = course_factory()
        response = client_as(learner).put(url(course), {"price": "-1"}, format="json")
        error(response, 403, "PERMISSION_DENIED")


class TestReviewAndPublishing:
    def test_submit_then_publish(
        self, client_as, course_factory, course_instructor, course_admin
    ):
        draft = course_factory(title="Draft", publish=False, modules=[("Intro", 5)])
        author = client_as(course_instructor)
        data = ok(author.post(url(draft, "/submit")))
        assert data["status"] == "in_review"
        assert ok(author.get(url(draft)))["status"] == "in_review"
        error(client_as().get(url(draft)), 404, "NOT_FOUND")

        first = error(author.post(url(draft, "/submit")), 409, "CONFLICT")
        assert "review" in first["message"]

        data = ok(client_as(course_admin).post(url(draft, "/publish/")))
        assert data["status"] == "published"
        public = ok(client_as().get(url(draft)))
        assert (public["status"], public["module_count"]) == ("published", 1)
        assert titles(client_as().get(LIST)) == ["Draft"]

    def test_a_pending_review_of_a_live_course_is_private(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory(title="Live")
        author = client_as(course_instructor)
        ok(author.put(url(course), {"title": "Reworked"}, format="json"))
        assert ok(author.post(url(course, "/submit")))["status"] == "in_review"
        public = ok(client_as().get(url(course)))
        assert (public["title"], public["status"]) == ("Live", "published")
        mine = ok(author.get(LIST, {"mine": "true"}))
        assert [(c["title"], c["status"]) for c in mine] == [("Reworked", "in_review")]

    def test_only_admins_publish(
        self, client_as, course_factory, course_instructor, learner
    ):
        draft = course_factory(publish=False)
        for user in (course_instructor, learner):
            error(
                client_as(user).post(url(draft, "/publish")), 403, "PERMISSION_DENIED"
            )
        error(client_as().post(url(draft, "/publish")), 401, "NOT_AUTHENTICATED")
        draft.refresh_from_db()
        assert not draft.live

    def test_admin_may_submit_and_others_may_not(
        self, client_as, course_factory, course_admin, other_instructor, learner
    ):
        draft = course_factory(publish=False)
        live = course_factory(title="Live")
        error(client_as(other_instructor).post(url(draft, "/submit")), 404, "NOT_FOUND")
        for user in (other_instructor, learner):
            error(client_as(user).post(url(live, "/submit")), 403, "PERMISSION_DENIED")
        assert ok(client_as(course_admin).post(url(draft, "/submit")))["status"] == (
            "in_review"
        )

    def test_publish_of_unknown_course_is_404(self, client_as, course_admin):
        error(client_as(course_admin).post(url(10**15, "/publish")), 404, "NOT_FOUND")


class TestArchive:
    def test_delete_archives(
        self, client_as, course_factory, course_instructor, module_factory
    ):
        course = course_factory(title="Retired", modules=[("Kept", 10)])
        author = client_as(course_instructor)
        data = ok(author.delete(url(course)))
        assert data["status"] == "archived"
        assert ok(author.delete(url(course) + "/"))["status"] == "archived"
        assert titles(client_as().get(LIST)) == []
        public = ok(client_as().get(url(course)))
        assert (public["status"], public["module_count"]) == ("archived", 1)
        modules = ok(client_as().get(url(course, "/modules")))
        assert [m["title"] for m in modules] == ["Kept"]
        assert CoursePage.objects.filter(pk=course.pk).exists()

    def test_others_may_not_archive(
        self, client_as, course_factory, other_instructor, learner, course_admin
    ):
        live = course_factory()
        draft = course_factory(publish=False)
        error(client_as(other_instructor).delete(url(live)), 403, "PERMISSION_DENIED")
        error(client_as(learner).delete(url(live)), 403, "PERMISSION_DENIED")
        error(client_as(other_instructor).delete(url(draft)), 404, "NOT_FOUND")
        live.refresh_from_db()
        assert not live.is_archived
        assert ok(client_as(course_admin).delete(url(draft)))["status"] == "archived"

    def test_archived_course_cannot_be_submitted(
        self, client_as, course_factory, course_instructor
    ):
        course = course_factory(publish=False)
        author = client_as(course_instructor)
        ok(author.delete(url(course)))
        error(author.post(url(course, "/submit")), 409, "CONFLICT")


class TestMyCourses:
    def test_instructor_lists_own_courses_in_every_status(
        self, client_as, course_factory, course_instructor, other_instructor
    ):
        course_factory(title="Published")
        course_factory(title="Draft", publish=False)
        archived = course_factory(title="Archived")
        course_archive(actor=course_instructor, course=archived)
        course_factory(title="Not mine", instructor=other_instructor)
        data = ok(client_as(course_instructor).get(LIST, {"mine": "true"}))
        assert {(c["title"], c["status"]) for c in data} == {
            ("Published", "published"),
            ("Draft", "draft"),
            ("Archived", "archived"),
        }

    def test_admin_lists_all(
        self, client_as, course_factory, other_instructor, course_admin
    ):
        course_factory(title="A", publish=False)
        course_factory(title="B", instructor=other_instructor)
        admin = client_as(course_admin)
        assert sorted(titles(admin.get(LIST, {"mine": "1"}))) == ["A", "B"]

    def test_students_and_anonymous(self, client_as, learner):
        error(client_as(learner).get(LIST, {"mine": "true"}), 403, "PERMISSION_DENIED")
        error(client_as().get(LIST, {"mine": "true"}), 401, "NOT_AUTHENTICATED")

    def test_query_count_and_review_state(
        self,
        client_as,
        course_factory,
        course_instructor,
        django_assert_max_num_queries,
    ):
        for n in range(6):
            draft = course_factory(title=f"D{n}", publish=False, modules=[("m", 1)])
            if n % 2:
                course_submit(actor=course_instructor, course=draft)
        client = client_as(course_instructor)
        with django_assert_max_num_queries(8):
            data = ok(client.get(LIST, {"mine": "true"}))
        assert sorted(c["status"] for c in data) == ["draft"] * 3 + ["in_review"] * 3
        assert {c["module_count"] for c in data} == {1}
