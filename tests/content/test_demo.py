"""The demo catalog that ``make run`` seeds."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Revision, WorkflowState

from content.demo import COURSES, DEMO_VIDEO_TITLE
from content.media import VideoAsset, VideoUsage
from content.models import CoursePage, ModulePage

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "courses": CoursePage.objects.count(),
        "modules": ModulePage.objects.count(),
        "revisions": Revision.objects.count(),
        "workflows": WorkflowState.objects.count(),
    }


class TestDemoCatalog:
    def test_seeding_twice_creates_nothing_more(self, home_page):
        seed()
        first = counts()
        output = seed()

        assert counts() == first
        assert first["courses"] == len(COURSES) == 8
        assert "Catalog: 6 published courses at /courses/" in output

    def test_statuses_and_authors(self, home_page):
        seed()

        statuses = {c.title: c.status for c in CoursePage.objects.all()}
        assert sorted(statuses.values()).count("published") == 6
        assert statuses["Threat Hunting in the SOC"] == "in_review"
        assert statuses["Windows Server 2012 Hardening"] == "archived"
        course = CoursePage.objects.get(slug="incident-response-fundamentals")
        assert course.instructor.email == "instructor@example.org"
        assert course.owner.email == "instructor@example.org"
        assert course.last_published_at is not None
        assert [p.title for p in course.prerequisites.order_by("title")] == [
            "Linux for Defenders",
            "Security+ Foundations",
        ]
        # Its certificate template is filled in: the PDF has a signatory and hours.
        assert course.certificate_signatory_name == "Irene Instructor"
        assert course.certificate_signatory_title == "Lead instructor"
        minutes = sum(m.duration for m in ModulePage.objects.child_of(course))
        assert course.certificate_ce_hours == round(minutes / 30) / 2 > 0
        in_review = CoursePage.objects.get(slug="threat-hunting-in-the-soc")
        assert not in_review.live
        assert in_review.current_workflow_state.requested_by.email == (
            "instructor@example.org"
        )

    def test_published_courses_have_realistic_modules(self, home_page):
        seed()

        for course in CoursePage.objects.live().filter(archived_at=None):
            modules = ModulePage.objects.child_of(course).live()
            assert 3 <= modules.count() <= 8, course.title
            assert len({m.kind for m in modules}) >= 2, course.title
            blocks = {b.block_type for m in modules for b in m.body}
            assert {"rich_text", "code", "callout"} <= blocks, course.title
        optional = ModulePage.objects.live().filter(is_mandatory=False)
        assert optional.exists()
        # Video modules show one real (generated, ffprobed) clip of the instructor's.
        video = VideoAsset.objects.get(title=DEMO_VIDEO_TITLE)
        assert video.duration > 0
        assert video.height == 360
        assert VideoUsage.objects.filter(video=video).count() >= 3

    def test_the_catalog_shows_the_demo(self, client, home_page):
        seed()

        html = client.get("/courses/").content.decode()

        assert "6 courses" in html
        assert "Security+ Foundations" in html
        assert "Threat Hunting in the SOC" not in html
        assert "Windows Server 2012 Hardening" not in html
        module = client.get(
            "/courses/linux-for-defenders/the-shell-files-and-permissions/"
        )
        assert module.status_code == 200
        assert 'class="language-bash"' in module.content.decode()
