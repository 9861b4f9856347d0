"""The demo is a real course: every lab has flags, every interactive module a
required assessment, most modules of the walkthrough course a required quiz, and
the practice exam is a timed exam drawn from a bank. Marking modules complete
gets nobody a certificate."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient
from wagtail.models import Site

from assessments.demo.bank import (
    PRACTICE_EXAM_BANK,
    WALKTHROUGH_COURSE,
    lab_flag,
    lab_instructions,
)
from assessments.models import Assessment
from content.models import CoursePage, ModulePage
from learning.models import Certificate
from learning.services import enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(home_page):
    out = StringIO()
    call_command("seed_demo", "--url", "http://127.0.0.1:8305", stdout=out)
    return out.getvalue()


def test_every_lab_has_flags_and_every_interactive_module_an_assessment(seeded):
    for module in ModulePage.objects.filter(kind__in=["lab", "interactive"]):
        assessment = Assessment.objects.get(module=module)
        if module.kind == "lab":
            assert module.completion == "flag"
            assert assessment.assessment_type == "lab"
            flags = [q for q in assessment.questions if q["type"] == "flag"]
            assert len(flags) == 2, module.title
            assert "sha256sum" in assessment.lab_instructions
        else:
            assert module.completion == "pass"
            assert assessment.required_for_completion


def test_the_practice_exam_is_timed_and_drawn_from_a_bank(seeded):
    exam = Assessment.objects.get(
        module__title="Practice exam", course__title=WALKTHROUGH_COURSE
    )
    assert exam.assessment_type == "exam"
    assert exam.time_limit == 20
    assert exam.pool_size == 10
    assert len(exam.questions) == len(PRACTICE_EXAM_BANK) > exam.pool_size
    assert exam.required_for_completion


def test_most_walkthrough_modules_need_real_answers(seeded):
    course = CoursePage.objects.get(title=WALKTHROUGH_COURSE)
    required = ModulePage.objects.child_of(course).filter(is_mandatory=True)
    with_work = [
        m for m in required if m.completion != "view" or m.assessments.exists()
    ]
    assert len(with_work) == required.count()


def test_seeding_twice_adds_no_assessment(seeded):
    before = Assessment.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Assessment.objects.count() == before


def test_the_lab_flag_is_what_its_instructions_compute(seeded):
    text = lab_instructions(WALKTHROUGH_COURSE, "Lab: hashing and verifying downloads")
    assert "printf '%s' 'Security+ Foundations/Lab: hashing" in text
    flag = lab_flag(WALKTHROUGH_COURSE, "Lab: hashing and verifying downloads", 1)
    assert flag.startswith("FLAG{")
    assert len(flag) == len("FLAG{}") + 16


def test_marking_every_module_complete_gives_no_certificate(seeded):
    course = CoursePage.objects.get(title=WALKTHROUGH_COURSE)
    learner = UserFactory()
    enrollment_create(actor=learner, course_id=course.pk)
    client = APIClient()
    signed_in(client, learner)
    for module in ModulePage.objects.child_of(course).live():
        client.post(
            f"/api/v1/courses/{course.pk}/modules/{module.pk}/progress",
            {"completed": True, "time_spent": 3},
            format="json",
        )
    assert not Certificate.objects.filter(user=learner).exists()
    progress = client.get(f"/api/v1/courses/{course.pk}/progress").json()["data"]
    assert progress["progress_percentage"] < 100


def test_the_site_follows_the_served_address(seeded):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8305)
    assert "http://127.0.0.1:8305/cms/" in seeded
