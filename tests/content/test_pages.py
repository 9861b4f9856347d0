"""The rendered catalog, course and module pages that learners read."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from content.media import VideoAsset
from content.models import CoursePage, ModulePage
from content.services import (
    catalog_get,
    course_archive,
    course_create,
    course_publish,
    course_submit,
    course_update,
    module_create,
)
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(home_page):
    user = UserFactory(role=Role.INSTRUCTOR, first_name="Irene", last_name="Ortiz")
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def admin(home_page):
    user = UserFactory(role=Role.ADMIN, first_name="Ada", last_name="Admin")
    user_role_privileges_sync(user=user)
    return user


@pytest.fixture
def catalog(home_page):
    return catalog_get()


def draft_course(instructor, title="Linux for Defenders", modules=(), **data):
    course = course_create(
        actor=instructor,
        data={
            "title": title,
            "description": f"{title}: hands-on skills for defenders.",
            "category": "Operating systems",
            "difficulty_level": "beginner",
            "estimated_duration": 90,
            "price": "0",
            "learning_outcomes": ["Read file permissions", "Search the journal"],
            **data,
        },
    )
    for module in modules:
        module_create(actor=instructor, course=course, data=module)
    return course


def published_course(instructor, admin, title="Linux for Defenders", **kwargs):
    course = draft_course(instructor, title, **kwargs)
    return course_publish(actor=admin, course=course)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


MODULES = [
    {"title": "The shell", "kind": "text", "duration": 40},
    {"title": "Users and sudo", "kind": "lab", "duration": 45, "is_mandatory": False},
    {"title": "Logs", "kind": "video", "duration": 50},
]


class TestCatalogPage:
    def test_lists_published_courses_as_cards(self, client, catalog, instructor, admin):
        published_course(
            instructor,
            admin,
            "Incident Response Fundamentals",
            category="Incident response",
            difficulty_level="intermediate",
            estimated_duration=1500,
            price="149",
            modules=MODULES,
        )
        published_course(instructor, admin, "Linux for Defenders")

        html = html_of(client.get("/courses/"))

        assert h1_count(html) == 1
        assert "2 courses" in html
        # Sorted by title: the first card is the incident response course.
        card = html.split('<article class="card course-card"', 1)[1]
        card = card.split("</article>", 1)[0]
        assert "Incident Response Fundamentals" in card
        assert "Incident response" in card
        assert "Intermediate" in card
        # The duration shown is the modules' sum (40 + 45 + 50), as on the course
        # page, not the authored estimate.
        assert "2 h 15 min" in card
        assert "25 hours" not in card
        assert "$149" in card
        assert "with Irene Ortiz" in card
        assert "<dt>Modules</dt><dd>3</dd>" in card
        assert "Free" in html  # the second course

    def test_module_count_is_of_live_modules_only(
        self, client, catalog, instructor, admin
    ):
        course = published_course(instructor, admin, modules=MODULES)
        module_create(actor=instructor, course=course, data={"title": "Draft one"})

        assert "<dt>Modules</dt><dd>3</dd>" in html_of(client.get("/courses/"))

    def test_drafts_courses_in_review_and_archived_courses_are_not_listed(
        self, client, catalog, instructor, admin
    ):
        published_course(instructor, admin, "Listed course")
        draft_course(instructor, "Draft course")
        course_submit(actor=instructor, course=draft_course(instructor, "In review"))
        archived = published_course(instructor, admin, "Archived course")
        course_archive(actor=instructor, course=archived)

        html = html_of(client.get("/courses/"))

        assert "Listed course" in html
        assert "Draft course" not in html
        assert "In review" not in html
        assert "Archived course" not in html
        assert "1 course" in html

    def test_filters_by_category_and_difficulty(
        self, client, catalog, instructor, admin
    ):
        published_course(instructor, admin, "Linux for Defenders")
        published_course(
            instructor,
            admin,
            "Cloud Security Basics",
            category="Cloud security",
            difficulty_level="intermediate",
        )
        published_course(
            instructor,
            admin,
            "Windows Internals",
            category="Operating systems",
            difficulty_level="advanced",
        )

        html = html_of(client.get("/courses/", {"category": "Operating systems"}))
        assert "Linux for Defenders" in html
        assert "Windows Internals" in html
        assert "Cloud Security Basics" not in html
        assert '<option value="Operating systems" selected>' in html
        assert '<option value="Cloud security">' in html

        html = html_of(
            client.get(
                "/courses/",
                {"category": "Operating systems", "difficulty": "advanced"},
            )
        )
        assert "Windows Internals" in html
        assert "Linux for Defenders" not in html

        # Unknown values are ignored rather than emptying the list.
        html = html_of(client.get("/courses/", {"category": "Nope", "difficulty": "x"}))
        assert "3 courses" in html

    def test_category_choices_come_from_listed_courses(
        self, client, catalog, instructor, admin
    ):
        published_course(instructor, admin, "Linux for Defenders")
        draft_course(instructor, "Secret", category="Unreleased topic")

        html = html_of(client.get("/courses/"))

        assert "Operating systems</option>" in html
        assert "Unreleased topic" not in html

    def test_search_matches_title_and_description(
        self, client, catalog, instructor, admin
    ):
        published_course(instructor, admin, "Linux for Defenders")
        published_course(
            instructor,
            admin,
            "Incident Response Fundamentals",
            description="Contain ransomware and write the incident report.",
            category="Incident response",
        )
        draft_course(instructor, "Ransomware Drafts")

        html = html_of(client.get("/courses/", {"q": "ransomware"}))
        assert "Incident Response Fundamentals" in html
        assert "Linux for Defenders" not in html
        assert "Ransomware Drafts" not in html
        assert "1 course" in html
        assert 'value="ransomware"' in html

        html = html_of(client.get("/courses/", {"q": "linux"}))
        assert "Linux for Defenders" in html
        assert "Incident Response Fundamentals" not in html

        html = html_of(
            client.get("/courses/", {"q": "linux", "category": "Incident response"})
        )
        assert "0 courses" in html
        assert "No course matches these filters." in html

    @pytest.mark.parametrize("query", ['"unterminated', "C++", "a & b", ":*", "'; --"])
    def test_search_takes_any_text(self, client, catalog, instructor, admin, query):
        published_course(instructor, admin, "C Programming for Analysts")

        html = html_of(client.get("/courses/", {"q": query}))

        assert "matching" in html

    def test_paginates_twelve_a_page_and_keeps_the_filters(
        self, client, catalog, instructor, admin
    ):
        for n in range(13):
            published_course(instructor, admin, f"Course {n:02d}")

        html = html_of(client.get("/courses/", {"category": "Operating systems"}))
        assert "13 courses" in html
        assert html.count('class="card course-card"') == 12
        assert 'aria-label="Pages of results"' in html
        assert "?category=Operating+systems&amp;page=2" in html

        html = html_of(
            client.get("/courses/", {"category": "Operating systems", "page": 2})
        )
        assert html.count('class="card course-card"') == 1
        assert "Course 12" in html
        assert (
            html_of(client.get("/courses/", {"page": "99"})).count(
                'class="card course-card"'
            )
            == 1
        )

    def test_query_count_does_not_grow_with_courses(
        self, client, catalog, instructor, admin, django_assert_max_num_queries
    ):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                html_of(client.get("/courses/", {"difficulty": "beginner"}))
            return len(queries)

        published_course(instructor, admin, "Course A", modules=MODULES)
        count_queries()  # warm up: Wagtail caches the site's root paths
        few = count_queries()
        for n in range(6):
            published_course(instructor, admin, f"Course {n}", modules=MODULES[:2])
        assert count_queries() == few
        with django_assert_max_num_queries(12):
            client.get("/courses/", {"q": "course"})

    def test_accessible_form_and_landmarks(self, client, catalog):
        html = html_of(client.get("/courses/"))

        assert '<main id="main"' in html
        assert 'aria-label="Breadcrumb"' in html
        for control in ("catalog-q", "catalog-category", "catalog-difficulty"):
            assert f'<label for="{control}">' in html
            assert f'id="{control}"' in html
        assert 'method="get"' in html
        assert "No courses are published yet." in html

    def test_site_header_links_to_the_catalog(self, client, catalog):
        html = html_of(client.get("/"))

        assert '<a href="/courses/">Courses</a>' in html
        assert "Browse courses" in html


class TestCoursePage:
    def test_shows_the_course(self, client, catalog, instructor, admin):
        basics = published_course(instructor, admin, "Security+ Foundations")
        hidden = draft_course(instructor, "Unpublished prerequisite")
        course = published_course(
            instructor,
            admin,
            "Incident Response Fundamentals",
            category="Incident response",
            difficulty_level="intermediate",
            estimated_duration=150,
            price="149.50",
            capacity=40,
            prerequisites=[basics, hidden],
            modules=MODULES,
        )

        html = html_of(client.get(course.url))

        assert h1_count(html) == 1
        assert "<h1>Incident Response Fundamentals</h1>" in html
        assert "Incident Response Fundamentals: hands-on skills" in html
        assert "$149.50" in html
        # The duration shown is the sum of the live modules' (40 + 45 + 50).
        assert "2 h 15 min" in html
        assert "2 h 30 min" not in html
        assert "<dt>Places</dt><dd>40</dd>" in html
        assert "Taught by Irene Ortiz" in html
        assert "<li>Read file permissions</li>" in html
        assert f'<a href="{basics.url}">Security+ Foundations</a>' in html
        assert "Unpublished prerequisite" not in html
        titles = re.findall(r'class="module-title" href="[^"]+">([^<]+)<', html)
        assert titles == ["The shell", "Users and sudo", "Logs"]
        assert "Optional" in html
        assert "Required" in html
        assert ">Lab</li>" in html
        assert 'aria-label="Breadcrumb"' in html
        assert "archived" not in html.lower()

    def test_enroll_placeholder_for_anonymous_and_signed_in_visitors(
        self, client, catalog, instructor, admin
    ):
        course = published_course(instructor, admin)

        html = html_of(client.get(course.url))
        assert f'href="/accounts/login/?next={course.url}"' in html
        assert "Sign in to enroll" in html

        client.force_login(UserFactory())
        html = html_of(client.get(course.url))
        assert f'action="/learn/courses/{course.pk}/enroll/"' in html
        assert "Enroll for free" in html

    def test_archived_course_renders_with_a_notice(
        self, client, catalog, instructor, admin
    ):
        course = published_course(instructor, admin, modules=MODULES)
        course_archive(actor=instructor, course=course)

        html = html_of(client.get(course.url))

        assert "This course is archived." in html
        assert "no longer takes new enrollments" in html
        assert "Sign in to enroll" not in html
        module = ModulePage.objects.child_of(course).first()
        assert "This course is archived." in html_of(client.get(module.url))

    def test_drafts_and_courses_in_review_are_not_served(
        self, client, catalog, instructor, admin
    ):
        draft = draft_course(instructor, "Draft course", modules=MODULES)
        in_review = course_submit(
            actor=instructor, course=draft_course(instructor, "In review")
        )
        url = f"/courses/{draft.slug}/"

        assert client.get(url).status_code == 404
        assert client.get(f"/courses/{in_review.slug}/").status_code == 404
        client.force_login(instructor)  # not even to the author: previews are in /cms/
        assert client.get(url).status_code == 404

    def test_a_live_module_of_an_unpublished_course_is_not_served(
        self, client, catalog, instructor, admin
    ):
        course = draft_course(instructor, modules=MODULES[:1])
        module = ModulePage.objects.child_of(course).get()
        module.get_latest_revision().publish(user=admin)

        assert client.get(f"/courses/{course.slug}/{module.slug}/").status_code == 404

    def test_visitors_see_the_live_version_until_changes_are_published(
        self, client, catalog, instructor, admin
    ):
        course = published_course(instructor, admin)
        course_update(
            actor=instructor, course=course, data={"title": "Renamed in a draft"}
        )

        html = html_of(client.get(course.url))
        assert "Linux for Defenders" in html
        assert "Renamed in a draft" not in html

        course_publish(actor=admin, course=CoursePage.objects.get(pk=course.pk))
        assert "Renamed in a draft" in html_of(client.get(course.url))

    def test_query_count_does_not_grow_with_modules(
        self, client, catalog, instructor, admin
    ):
        def count_queries(course) -> int:
            with CaptureQueriesContext(connection) as queries:
                html_of(client.get(course.url))
            return len(queries)

        small = published_course(instructor, admin, "Small", modules=MODULES[:1])
        large = published_course(instructor, admin, "Large", modules=MODULES * 4)
        count_queries(small)  # warm up: Wagtail caches the site's root paths

        assert count_queries(large) == count_queries(small)


class TestModulePage:
    def test_renders_the_body_blocks(self, client, catalog, instructor, admin):
        image = Image.objects.create(title="Topology", file=get_test_image_file())
        document = Document.objects.create(
            title="Checklist",
            file=ContentFile(b"1. Patch", name="checklist.txt"),
            uploaded_by_user=instructor,  # a module shows only its instructor's uploads
        )
        # Uploaded but not transcoded yet: the page says it is on its way.
        video = VideoAsset.objects.create(
            title="Walkthrough", owner=instructor, original="videos/originals/x"
        )
        body = [
            {"type": "rich_text", "value": "<h2>Why it matters</h2><p>Logs.</p>"},
            {
                "type": "code",
                "value": {"language": "bash", "code": "journalctl -p warning <b>"},
            },
            {
                "type": "image",
                "value": {
                    "image": image.pk,
                    "alt_text": "Three network zones",
                    "caption": "The lab network",
                },
            },
            {
                "type": "callout",
                "value": {"kind": "warning", "text": "<p>Only your own lab.</p>"},
            },
            {
                "type": "video",
                "value": {"video_id": video.pk, "caption": "Walkthrough"},
            },
            {"type": "document", "value": document.pk},
        ]
        course = published_course(
            instructor,
            admin,
            modules=[
                {
                    "title": "Logs",
                    "kind": "lab",
                    "duration": 75,
                    "description": "Find failures in the journal.",
                    "body": body,
                }
            ],
        )
        module = ModulePage.objects.child_of(course).get()
        client.force_login(instructor)

        html = html_of(client.get(module.url))

        assert h1_count(html) == 1
        assert '<h1 id="module-title">Logs</h1>' in html
        # Rich text is stored in Wagtail's editor format (block keys on elements).
        assert re.search(r"<h2[^>]*>Why it matters</h2>", html)
        assert (
            '<pre tabindex="0"><code class="language-bash">'
            "journalctl -p warning &lt;b&gt;</code></pre>"
        ) in html
        assert ">Shell</figcaption>" in html
        assert re.search(r'<img [^>]*alt="Three network zones"', html)
        assert "The lab network" in html
        assert re.search(r'class="callout callout-warning" role="note"', html)
        assert "Only your own lab." in html
        assert "Video coming soon" in html
        assert ">Checklist</a>" in html
        assert ">Lab</li>" in html
        assert "1 h 15 min" in html
        assert "Find failures in the journal." in html

    def test_breadcrumbs_and_navigation_between_live_modules(
        self, client, catalog, instructor, admin
    ):
        course = published_course(instructor, admin, modules=MODULES)
        first, second, third = ModulePage.objects.child_of(course).order_by("path")
        module_create(actor=instructor, course=course, data={"title": "Unpublished"})

        html = html_of(client.get(second.url))

        crumbs = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
        assert re.findall(r">([^<>]+)</a>", crumbs) == [
            "Courses",
            "Linux for Defenders",
            "Users and sudo",
        ]
        assert f'href="{first.url}" rel="prev"' in html
        assert f'href="{third.url}" rel="next"' in html
        assert f'href="{second.url}" aria-current="page"' in html
        assert "Unpublished" not in html

        html = html_of(client.get(third.url))
        assert 'rel="next"' not in html  # the draft after it is skipped
        assert html_of(client.get(first.url)).count('rel="prev"') == 0

    def test_draft_module_is_not_served(self, client, catalog, instructor, admin):
        course = published_course(instructor, admin)
        module = module_create(actor=instructor, course=course, data={"title": "Soon"})

        assert client.get(f"{course.url}{module.slug}/").status_code == 404
