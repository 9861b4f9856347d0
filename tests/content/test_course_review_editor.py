"""What staff see of a course in the Wagtail editor: modules in course order in the
explorer, and the moderator's preview of a course in review lists its modules."""

import pytest
from django.test import Client as WebClient

from content.services import course_create, course_submit, module_create
from tests.learning import conftest as learning_fixtures

pytestmark = pytest.mark.django_db

admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor

TITLES = ["Zeta basics", "Alpha tools", "Mid-course lab"]


@pytest.fixture
def in_review(instructor):
    course = course_create(
        actor=instructor,
        data={
            "title": "Threat Hunting",
            "description": "Hunt.",
            "category": "Defense",
            "difficulty_level": "beginner",
            "estimated_duration": 60,
            "price": "0",
        },
    )
    for title in TITLES:
        module_create(
            actor=instructor,
            course=course,
            data={"title": title, "kind": "text", "duration": 10, "is_mandatory": True},
        )
    return course_submit(actor=instructor, course=course)


def positions(html: str, titles) -> list[int]:
    return [html.index(title) for title in titles]


def test_explorer_lists_modules_in_course_order(in_review, admin_user):
    web = WebClient()
    web.force_login(admin_user)
    html = web.get(f"/cms/pages/{in_review.pk}/").content.decode()
    found = positions(html, TITLES)
    assert found == sorted(found)


def test_moderator_preview_of_a_course_in_review_shows_its_modules(
    in_review, admin_user
):
    web = WebClient()
    web.force_login(admin_user)
    task = in_review.current_workflow_task
    response = web.get(f"/cms/pages/workflow/preview/{in_review.pk}/{task.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in TITLES:
        assert title in html
    found = positions(html, TITLES)
    assert found == sorted(found)


def test_learners_still_see_live_modules_only(in_review, client):
    # The course is not live: nobody outside the editor sees it at all.
    assert client.get(in_review.url or "/courses/threat-hunting/").status_code == 404
