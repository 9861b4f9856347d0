"""``make run``'s demo: the NICE Framework loaded, the demo courses mapped to work
roles, and the demo student partly covering one role on "My skills"."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Attempt
from assessments.skills.models import QuestionStatementTag
from corporate.talent.models import TalentProfile
from learning.skills import selectors
from learning.skills.models import CourseWorkRole, ModuleStatementTag, WorkRole
from portal.accounts.models import User

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "roles": WorkRole.objects.count(),
        "course_roles": CourseWorkRole.objects.count(),
        "module_tags": ModuleStatementTag.objects.count(),
        "question_tags": QuestionStatementTag.objects.count(),
        "attempts": Attempt.objects.count(),
        "profiles": TalentProfile.objects.count(),
    }


def test_demo_maps_courses_and_the_student_partly_covers_a_role(client, home_page):
    output = seed()
    assert "NICE Framework 2.1.0: 41 work roles" in output
    first = counts()
    assert first["roles"] == 41
    assert first["course_roles"] == 8
    assert first["module_tags"] > 0
    seed()
    assert counts() == first  # seeding twice adds nothing

    student = User.objects.get(email="student@example.org")
    [defensive] = selectors.user_competencies(user=student, work_role="PD-WRL-001")
    assert 0 < defensive.coverage < 1
    assert defensive.by_kind["task"].covered > 0
    client.force_login(student)
    html = client.get("/learn/skills/").content.decode()
    assert "PD-WRL-001 Defensive Cybersecurity" in html
    assert TalentProfile.objects.get(user=student).visible
