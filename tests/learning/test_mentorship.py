import pytest

from learning.services import mentor_assign, mentor_unassign
from portal.accounts.models import Role
from portal.accounts.services import user_update
from portal.errors import Conflict, InvalidInput
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestMentorAccess:
    def test_mentor_sees_a_mentee_only_while_assigned(self, api_client):
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        assignment = mentor_assign(mentor=mentor, mentee=mentee)
        signed_in(api_client, mentor)
        assert api_client.get(f"/api/v1/users/{mentee.pk}").status_code == 200
        mentor_unassign(assignment=assignment)
        assert api_client.get(f"/api/v1/users/{mentee.pk}").status_code == 404

    def test_another_mentor_sees_nothing(self, api_client):
        mentor, other_mentor, mentee = (
            UserFactory(role=Role.MENTOR),
            UserFactory(role=Role.MENTOR),
            UserFactory(),
        )
        mentor_assign(mentor=mentor, mentee=mentee)
        signed_in(api_client, other_mentor)
        assert api_client.get(f"/api/v1/users/{mentee.pk}").status_code == 404

    def test_mentee_does_not_see_the_mentor(self, api_client):
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        mentor_assign(mentor=mentor, mentee=mentee)
        signed_in(api_client, mentee)
        assert api_client.get(f"/api/v1/users/{mentor.pk}").status_code == 404


class TestAssignmentRules:
    def test_only_mentors_mentor(self):
        with pytest.raises(InvalidInput):
            mentor_assign(mentor=UserFactory(), mentee=UserFactory())

    def test_no_duplicate_active_assignment(self):
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        mentor_assign(mentor=mentor, mentee=mentee)
        with pytest.raises(Conflict):
            mentor_assign(mentor=mentor, mentee=mentee)

    def test_reassign_after_ending(self):
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        mentor_unassign(assignment=mentor_assign(mentor=mentor, mentee=mentee))
        assert mentor_assign(mentor=mentor, mentee=mentee).ended_at is None


class TestExMentor:
    def test_a_mentor_changed_to_student_no_longer_reads_the_mentee(
        self, api_client, admin_user
    ):
        """The guardian grant outlives the role change; the rule checks the role."""
        mentor, mentee = UserFactory(role=Role.MENTOR), UserFactory()
        mentor_assign(mentor=mentor, mentee=mentee)
        user_update(actor=admin_user, user=mentor, data={"role": Role.STUDENT})
        signed_in(api_client, mentor)
        assert api_client.get(f"/api/v1/users/{mentee.pk}").status_code == 404
        assert api_client.get(f"/api/v1/users/{mentee.pk}/courses").status_code in (
            403,
            404,
        )
