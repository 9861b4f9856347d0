"""The organizations API: admins create and see all, a representative sees only her
own organization, and every other caller is refused, from each side."""

import pytest
from django.core import mail

from corporate.models import Invitation, OrganizationMembership
from learning.services import enrollment_create, module_progress_record
from portal.accounts.models import Role
from tests.portal.factories import UserFactory

from .conftest import data_of, error_of, member_of

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations"


def org_url(org, tail=""):
    return f"{ORGS}/{org.pk}{tail}"


class TestOrganizations:
    def test_admin_creates_an_organization_with_a_representative(
        self, as_user, admin_user
    ):
        rep = UserFactory(role=Role.CORPORATE_REP)
        client = as_user(admin_user)
        created = data_of(
            client.post(
                ORGS + "/",
                {
                    "name": "Initech",
                    "slug": "initech",
                    "contact_email": "hr@initech.example.org",
                    "representative_ids": [rep.pk],
                },
                format="json",
            ),
            201,
        )
        assert created["slug"] == "initech"
        client = as_user(rep)
        listed = client.get(ORGS).json()
        assert [o["id"] for o in listed["data"]] == [created["id"]]
        assert listed["meta"]["pagination"]["total"] == 1

    def test_representatives_need_the_role(self, as_user, admin_user):
        student = UserFactory()
        response = as_user(admin_user).post(
            ORGS,
            {"name": "X", "slug": "x", "representative_ids": [student.pk]},
            format="json",
        )
        assert error_of(response, 400)["field"] == "representative_ids"

    def test_only_admins_create(self, as_user, rep_a):
        response = as_user(rep_a).post(
            ORGS, {"name": "Mine", "slug": "mine"}, format="json"
        )
        assert error_of(response, 403)["code"] == "PERMISSION_DENIED"

    def test_bad_input_names_the_field(self, as_user, admin_user, acme):
        response = as_user(admin_user).post(
            ORGS, {"name": "X", "slug": "acme"}, format="json"
        )
        assert error_of(response, 400)["field"] == "slug"
        response = as_user(admin_user).post(ORGS, {"name": 5}, format="json")
        assert error_of(response, 400)["code"] == "VALIDATION_ERROR"

    def test_representative_sees_only_her_own(self, as_user, acme, globex, rep_a):
        client = as_user(rep_a)
        assert [o["slug"] for o in client.get(ORGS).json()["data"]] == ["acme"]
        assert data_of(client.get(org_url(acme)))["name"] == "Acme Defense"
        assert error_of(client.get(org_url(globex)), 404)["code"] == "NOT_FOUND"

    def test_students_see_none(self, as_user, acme):
        member = member_of(acme)
        client = as_user(member)
        assert client.get(ORGS).status_code == 403
        assert client.get(org_url(acme)).status_code == 404
        assert client.get(org_url(acme, "/members")).status_code == 404

    def test_put_is_partial_and_slug_is_for_admins(self, as_user, acme, rep_a):
        acme.contact_email = "keep@acme.example.org"
        acme.save()
        client = as_user(rep_a)
        updated = data_of(client.put(org_url(acme), {"name": "Acme"}, format="json"))
        assert updated["name"] == "Acme"
        assert updated["contact_email"] == "keep@acme.example.org"
        patched = data_of(
            client.patch(org_url(acme, "/"), {"description": "Hi"}, format="json")
        )
        assert patched["description"] == "Hi"
        assert patched["name"] == "Acme"
        response = client.put(org_url(acme), {"slug": "acme2"}, format="json")
        assert response.status_code == 403

    def test_former_representative_sees_nothing(self, as_user, acme, rep_a):
        from corporate.services import organization_member_remove

        membership = OrganizationMembership.objects.get(user=rep_a)
        organization_member_remove(membership=membership)
        assert as_user(rep_a).get(org_url(acme)).status_code == 404


class TestMembers:
    def test_members_with_progress_summary(self, as_user, acme, rep_a, course):
        member = member_of(acme, email="zed@example.org")
        enrollment_create(actor=member, course_id=course.pk)
        first = course.get_children().live().first()
        module_progress_record(
            actor=member,
            course_id=course.pk,
            module_id=first.pk,
            completed=True,
            time_spent=60,
        )
        rows = data_of(as_user(rep_a).get(org_url(acme, "/members")))
        by_email = {row["user"]["email"]: row for row in rows}
        assert by_email["zed@example.org"]["progress"]["courses"] == 1
        assert by_email["zed@example.org"]["progress"]["average_progress"] == 50.0
        assert by_email[rep_a.email]["role"] == "representative"
        filtered = data_of(
            as_user(rep_a).get(org_url(acme, "/members?role=member&q=zed"))
        )
        assert [r["user"]["email"] for r in filtered] == ["zed@example.org"]
        response = as_user(rep_a).get(org_url(acme, "/members?progress=bogus"))
        assert error_of(response, 400)["field"] == "progress"

    def test_member_list_queries_do_not_grow(
        self, as_user, acme, rep_a, django_assert_max_num_queries
    ):
        client = as_user(rep_a)
        for _ in range(3):
            member_of(acme)
        with django_assert_max_num_queries(12) as few:
            client.get(org_url(acme, "/members"))
        for _ in range(10):
            member_of(acme)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(org_url(acme, "/members"))
        assert len(response.json()["data"]) == 14

    def test_add_existing_user(self, as_user, acme, rep_a):
        person = UserFactory(email="known@example.org")
        data = data_of(
            as_user(rep_a).post(
                org_url(acme, "/members"), {"email": "Known@example.org"}, format="json"
            ),
            201,
        )
        assert data["outcome"] == "added"
        assert data["member"]["user"]["id"] == person.pk
        response = as_user(rep_a).post(
            org_url(acme, "/members"), {"email": "known@example.org"}, format="json"
        )
        assert error_of(response, 409)["code"] == "ALREADY_MEMBER"

    def test_a_person_may_belong_to_two_organizations(self, acme, globex):
        person = member_of(acme)
        from corporate.services import organization_member_add

        organization_member_add(organization=globex, user=person)
        assert OrganizationMembership.objects.current().filter(user=person).count() == 2

    def test_invite_unknown_person_sends_a_link(
        self, as_user, acme, rep_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            data = data_of(
                as_user(rep_a).post(
                    org_url(acme, "/members"),
                    {"email": "new@example.org", "first_name": "Nia"},
                    format="json",
                ),
                201,
            )
        assert data["outcome"] == "invited"
        assert data["invitation"]["email"] == "new@example.org"
        assert len(mail.outbox) == 1
        assert "/join/" in mail.outbox[0].body
        assert mail.outbox[0].to == ["new@example.org"]
        invitation = Invitation.objects.get()
        assert invitation.token_hash not in mail.outbox[0].body

    def test_remove_member_keeps_the_account_and_history(self, as_user, acme, rep_a):
        member = member_of(acme)
        removed = data_of(as_user(rep_a).delete(org_url(acme, f"/members/{member.pk}")))
        assert removed["user"]["id"] == member.pk
        membership = OrganizationMembership.objects.get(user=member)
        assert membership.left_at is not None
        member.refresh_from_db()
        assert member.is_active
        response = as_user(rep_a).get(f"/api/v1/users/{member.pk}")
        assert response.status_code == 404
        assert (
            as_user(rep_a).delete(org_url(acme, f"/members/{member.pk}/")).status_code
            == 404
        )

    def test_rep_cannot_remove_a_representative(self, as_user, acme, rep_a):
        from .conftest import representative_of

        other = representative_of(acme)
        response = as_user(rep_a).delete(org_url(acme, f"/members/{other.pk}"))
        assert response.status_code == 403


class TestOtherOrganization:
    """A representative of Globex gets 404 for everything of Acme."""

    @pytest.mark.parametrize(
        ("method", "tail", "body"),
        [
            ("get", "", None),
            ("put", "", {"name": "Mine"}),
            ("get", "/members", None),
            ("post", "/members", {"email": "x@example.org"}),
            ("get", "/seats", None),
            ("post", "/enrollments", {"course_id": 1, "emails": ["a@example.org"]}),
            ("get", "/reports/progress", None),
            ("get", "/reports/progress?format=xlsx", None),
        ],
    )
    def test_404_for_everything(self, as_user, acme, rep_b, method, tail, body):
        client = as_user(rep_b)
        call = getattr(client, method)
        response = (
            call(org_url(acme, tail), body, format="json")
            if body
            else call(org_url(acme, tail))
        )
        assert error_of(response, 404)["code"] == "NOT_FOUND"

    def test_404_for_a_member_and_her_certificate(self, as_user, acme, rep_b):
        member = member_of(acme)
        client = as_user(rep_b)
        assert client.delete(org_url(acme, f"/members/{member.pk}")).status_code == 404
        assert client.get(f"/api/v1/users/{member.pk}").status_code == 404
        assert client.get(f"/api/v1/users/{member.pk}/certificates").status_code == 404
