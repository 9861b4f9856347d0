"""Administrators map a course to its Discord roles in the Django admin; nobody else
edits or reads the mapping. Saving queues a sync of the course's linked learners."""

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from learning.community.models import CourseDiscordRoles, DiscordMember
from learning.community.services import course_discord_roles_save
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from portal.errors import PermissionDenied
from tests.portal.factories import UserFactory

from .conftest import COMPLETED, DISCORD_ID, ENROLLED, UNMANAGED, link

pytestmark = pytest.mark.django_db

MAPPINGS = "/django-admin/community/coursediscordroles/"
MEMBERS = "/django-admin/community/discordmember/"


@pytest.fixture
def web(admin_user):
    client = WebClient()
    client.force_login(admin_user)
    return client


class TestMappingAdmin:
    def test_an_admin_maps_a_course_and_its_linked_learners_get_the_role(
        self, web, course, fake_discord, django_capture_on_commit_callbacks
    ):
        learner = UserFactory()
        link(learner)
        fake_discord.members[DISCORD_ID] = {UNMANAGED}
        enrollment_create(actor=learner, course_id=course.pk)
        assert web.get(f"{MAPPINGS}add/").status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            response = web.post(
                f"{MAPPINGS}add/",
                {
                    "course": course.pk,
                    "enrolled_role_id": ENROLLED,
                    "completed_role_id": COMPLETED,
                    "certified_role_id": "",
                },
            )

        assert response.status_code == 302
        roles = CourseDiscordRoles.objects.get(course=course)
        assert (roles.enrolled_role_id, roles.completed_role_id) == (
            ENROLLED,
            COMPLETED,
        )
        assert fake_discord.members[DISCORD_ID] == {UNMANAGED, ENROLLED}
        assert AuditLog.objects.filter(action="discord.course_roles_set").exists()
        assert ENROLLED in web.get(MAPPINGS).content.decode()

    @pytest.mark.parametrize(
        "fields",
        [
            {"enrolled_role_id": "not-a-role"},
            {"enrolled_role_id": "12345"},
            {"enrolled_role_id": "", "completed_role_id": "", "certified_role_id": ""},
        ],
    )
    def test_role_ids_must_be_discord_ids_and_one_at_least(self, web, course, fields):
        response = web.post(
            f"{MAPPINGS}add/",
            {
                "course": course.pk,
                "enrolled_role_id": "",
                "completed_role_id": "",
                "certified_role_id": "",
                **fields,
            },
        )
        assert response.status_code == 200  # the form again, with its errors
        assert not CourseDiscordRoles.objects.exists()

    @pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.STUDENT])
    def test_non_admins_can_neither_see_nor_edit_mappings(self, course, role, roles):
        other = UserFactory(role=role)
        user_role_privileges_sync(user=other)
        client = WebClient()
        client.force_login(other)
        for url in (MAPPINGS, f"{MAPPINGS}add/", f"{MAPPINGS}{roles.pk}/change/"):
            assert client.get(url).status_code in (302, 403), url
        client.post(
            f"{MAPPINGS}{roles.pk}/change/",
            {"course": course.pk, "enrolled_role_id": "500000000000000999"},
        )
        client.post(f"{MAPPINGS}{roles.pk}/delete/", {"post": "yes"})
        roles.refresh_from_db()
        assert roles.enrolled_role_id == ENROLLED
        assert client.get(MEMBERS).status_code in (302, 403)

    def test_staff_without_the_admin_role_stay_out_too(self, course, roles):
        staff = UserFactory(role=Role.INSTRUCTOR, is_staff=True)
        client = WebClient()
        client.force_login(staff)
        assert client.get(MAPPINGS).status_code == 403
        assert client.get(f"{MAPPINGS}add/").status_code == 403

    def test_the_service_refuses_non_admins(self, course, instructor):
        with pytest.raises(PermissionDenied):
            course_discord_roles_save(
                actor=instructor,
                roles=CourseDiscordRoles(course=course, enrolled_role_id=ENROLLED),
            )
        assert not CourseDiscordRoles.objects.exists()

    def test_members_are_listed_read_only(self, web, member):
        DiscordMember.objects.create(discord_user_id=DISCORD_ID, user=member)
        assert DISCORD_ID in web.get(MEMBERS).content.decode()
        assert web.get(f"{MEMBERS}add/").status_code == 403

    def test_the_list_costs_the_same_queries_for_more_rows(
        self, web, make_course, django_assert_max_num_queries
    ):
        def add(count: int) -> None:
            for index in range(count):
                course = make_course(
                    title=f"Course {CourseDiscordRoles.objects.count()}"
                )
                CourseDiscordRoles.objects.create(
                    course=course, enrolled_role_id=f"5000000000000001{index:02d}"
                )

        add(1)
        with CaptureQueriesContext(connection) as one:
            web.get(MAPPINGS)
        add(5)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert web.get(MAPPINGS).status_code == 200
