"""SCIM Users: provisioning into the token's organization, filters and paging,
PATCH operations, the error schema, other organizations' tokens, deprovisioning
(sessions end) and the audit trail."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from corporate.models import OrganizationMembership
from corporate.scim.models import ScimIdentity, ScimToken
from corporate.scim.services import scim_token_revoke
from corporate.services import organization_member_add
from portal.accounts.models import Role, User
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

from .conftest import USER_SCHEMA, user_body

pytestmark = pytest.mark.django_db
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def create(scim, email, **extra):
    response = scim.post("Users", user_body(email, **extra))
    assert response.status_code == 201, response.content
    return response.json()


def assert_error(response, status, scim_type=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    if scim_type is not None:
        assert body["scimType"] == scim_type
    return body


class TestCreate:
    def test_creates_a_student_member_of_the_tokens_organization(self, scim, acme):
        response = scim.post("Users", user_body("Ada@Example.org", externalId="e-1"))
        assert response.status_code == 201
        assert response["Content-Type"].startswith("application/scim+json")
        body = response.json()
        assert response["Location"] == f"http://testserver/scim/v2/Users/{body['id']}"
        assert body["schemas"] == [USER_SCHEMA]
        assert body["userName"] == "Ada@Example.org"
        assert body["externalId"] == "e-1"
        assert body["active"] is True
        assert body["emails"] == [
            {"value": "ada@example.org", "type": "work", "primary": True}
        ]
        assert body["meta"]["resourceType"] == "User"
        user = User.objects.get(email="ada@example.org")
        assert user.role == Role.STUDENT
        assert user.first_name == "Ada"
        assert user.last_name == "Lovelace"
        assert not user.has_usable_password()
        assert (
            OrganizationMembership.objects.current().get(user=user).organization == acme
        )

    def test_accepts_plain_json_and_both_slash_forms(self, client, acme_token):
        import json

        for path in ("/scim/v2/Users", "/scim/v2/Users/"):
            email = f"p{len(path)}@example.org"
            response = client.post(
                path,
                json.dumps(user_body(email)),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {acme_token}",
            )
            assert response.status_code == 201, response.content
            user_id = response.json()["id"]
            for one in (f"{path.rstrip('/')}/{user_id}", f"/scim/v2/Users/{user_id}/"):
                got = client.get(one, HTTP_AUTHORIZATION=f"Bearer {acme_token}")
                assert got.status_code == 200

    def test_user_name_is_the_address_when_no_emails_are_sent(self, scim):
        body = user_body("grace@example.org")
        del body["emails"]
        assert scim.post("Users", body).status_code == 201
        assert User.objects.filter(email="grace@example.org").exists()

    def test_no_address_at_all_is_invalid_value(self, scim):
        body = user_body("grace")
        del body["emails"]
        assert_error(scim.post("Users", body), 400, "invalidValue")

    def test_missing_user_name_is_400(self, scim):
        body = user_body("x@example.org")
        del body["userName"]
        assert_error(scim.post("Users", body), 400)

    def test_malformed_json_is_invalid_syntax(self, client, acme_token):
        response = client.post(
            "/scim/v2/Users",
            "{not json",
            content_type="application/scim+json",
            HTTP_AUTHORIZATION=f"Bearer {acme_token}",
        )
        assert_error(response, 400, "invalidSyntax")

    def test_a_taken_user_name_is_uniqueness(self, scim):
        create(scim, "ada@example.org")
        body = user_body("ADA@example.org", emails=[{"value": "other@example.org"}])
        assert_error(scim.post("Users", body), 409, "uniqueness")

    def test_an_existing_student_account_is_adopted(self, scim):
        learner = UserFactory(email="learner@example.org")
        body = create(scim, "learner@example.org")
        identity = ScimIdentity.objects.get(scim_id=body["id"])
        assert identity.user == learner
        assert identity.created_account is False
        learner.refresh_from_db()
        assert learner.has_usable_password()  # the learner's own password stays

    @pytest.mark.parametrize(
        "role", [Role.INSTRUCTOR, Role.MENTOR, Role.ADMIN, Role.CORPORATE_REP]
    )
    def test_staff_accounts_are_never_adopted(self, scim, role):
        UserFactory(email="staff@example.org", role=role)
        assert_error(
            scim.post("Users", user_body("staff@example.org")), 409, "uniqueness"
        )
        assert not ScimIdentity.objects.exists()

    def test_an_account_an_admin_disabled_is_not_adopted(self, scim):
        UserFactory(email="banned@example.org", is_active=False)
        assert_error(
            scim.post("Users", user_body("banned@example.org")), 409, "uniqueness"
        )

    def test_a_member_of_another_organization_joins_this_one_too(self, scim, globex):
        # A person may belong to several organizations (reports count them in
        # each): another employer's HR system links the same student account.
        other = UserFactory(email="globex.staff@example.org")
        organization_member_add(organization=globex, user=other)
        response = scim.post("Users", user_body("globex.staff@example.org"))
        assert response.status_code == 201, response.content
        assert sorted(
            OrganizationMembership.objects.current()
            .filter(user=other)
            .values_list("organization__slug", flat=True)
        ) == ["acme", "globex"]


class TestListAndFilter:
    def test_filter_user_name_eq(self, scim):
        create(scim, "ada@example.org")
        create(scim, "grace@example.org")
        response = scim.get("Users", data={"filter": 'userName eq "GRACE@example.org"'})
        assert response.status_code == 200
        body = response.json()
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
        assert body["totalResults"] == 1
        assert [r["userName"] for r in body["Resources"]] == ["grace@example.org"]

    def test_filter_without_match_is_an_empty_list(self, scim):
        create(scim, "ada@example.org")
        body = scim.get("Users", data={"filter": 'userName eq "nobody"'}).json()
        assert body["totalResults"] == 0
        assert body["Resources"] == []

    def test_other_filters(self, scim):
        ada = create(scim, "ada@example.org", externalId="E1")
        create(scim, "grace@example.org", active=False)
        cases = {
            'externalId eq "E1"': [ada["id"]],
            'emails[value ew "ada@example.org"]': [ada["id"]],
            'name.familyName eq "lovelace" and active eq true': [ada["id"]],
            f'id eq "{ada["id"]}"': [ada["id"]],
            'userName sw "gr" or userName co "da@"': None,
        }
        for expression, expected in cases.items():
            body = scim.get("Users", data={"filter": expression}).json()
            ids = [r["id"] for r in body["Resources"]]
            if expected is None:
                assert len(ids) == 2, expression
            else:
                assert ids == expected, expression

    @pytest.mark.parametrize(
        "expression",
        ["userName eq", 'title eq "x"', "active gt true", "((", 'password eq "x"'],
    )
    def test_invalid_filter(self, scim, expression):
        assert_error(
            scim.get("Users", data={"filter": expression}), 400, "invalidFilter"
        )

    def test_paging(self, scim):
        for n in range(5):
            create(scim, f"p{n}@example.org")
        body = scim.get("Users", data={"startIndex": 2, "count": 2}).json()
        assert body["totalResults"] == 5
        assert body["startIndex"] == 2
        assert body["itemsPerPage"] == 2
        assert [r["userName"] for r in body["Resources"]] == [
            "p1@example.org",
            "p2@example.org",
        ]
        assert scim.get("Users", data={"count": 0}).json()["Resources"] == []
        assert_error(scim.get("Users", data={"count": "many"}), 400, "invalidValue")

    @override_settings(SCIM_MAX_RESULTS=3)
    def test_count_is_capped(self, scim):
        for n in range(4):
            create(scim, f"p{n}@example.org")
        body = scim.get("Users", data={"count": 100}).json()
        assert body["itemsPerPage"] == 3
        assert body["totalResults"] == 4

    def test_attributes_parameter(self, scim):
        create(scim, "ada@example.org")
        body = scim.get("Users", data={"attributes": "userName"}).json()
        resource = body["Resources"][0]
        assert resource["userName"] == "ada@example.org"
        assert "emails" not in resource
        assert "id" in resource  # always returned

    def test_search_endpoint(self, scim):
        create(scim, "ada@example.org")
        create(scim, "grace@example.org")
        response = scim.post(
            "Users/.search",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": 'userName eq "ada@example.org"',
            },
        )
        assert response.status_code == 200, response.content
        assert response.json()["totalResults"] == 1

    def test_list_queries_do_not_grow_with_rows(
        self, scim, django_assert_max_num_queries
    ):
        create(scim, "a0@example.org")
        # The token (and its last use), the count, the page, the page's groups.
        with django_assert_max_num_queries(5):
            assert scim.get("Users").json()["totalResults"] == 1
        for n in range(1, 8):
            create(scim, f"a{n}@example.org")
        with django_assert_max_num_queries(5):
            assert scim.get("Users").json()["totalResults"] == 8

    def test_detail_queries_are_bounded(self, scim, django_assert_max_num_queries):
        body = create(scim, "ada@example.org")
        with django_assert_max_num_queries(5):
            assert scim.get(f"Users/{body['id']}").status_code == 200


class TestReplaceAndPatch:
    def test_put_replaces(self, scim):
        body = create(scim, "ada@example.org")
        replaced = user_body(
            "ada.l@example.org",
            name={"givenName": "Augusta", "familyName": "King"},
            externalId="X9",
        )
        response = scim.put(f"Users/{body['id']}", replaced)
        assert response.status_code == 200, response.content
        got = response.json()
        assert got["userName"] == "ada.l@example.org"
        assert got["externalId"] == "X9"
        user = User.objects.get(scim_identities__scim_id=body["id"])
        assert (user.email, user.first_name, user.last_name) == (
            "ada.l@example.org",
            "Augusta",
            "King",
        )

    def test_patch_add_replace_remove(self, scim):
        body = create(scim, "ada@example.org")
        path = f"Users/{body['id']}"
        response = scim.patch(
            path, [{"op": "add", "path": "externalId", "value": "E-7"}]
        )
        assert response.status_code == 200, response.content
        assert response.json()["externalId"] == "E-7"
        response = scim.patch(
            path, [{"op": "replace", "path": "name.givenName", "value": "Augusta"}]
        )
        assert response.json()["name"]["givenName"] == "Augusta"
        response = scim.patch(path, [{"op": "remove", "path": "externalId"}])
        assert "externalId" not in response.json()
        response = scim.patch(
            path,
            [
                {
                    "op": "replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "ada.new@example.org",
                }
            ],
        )
        assert response.status_code == 200, response.content
        assert User.objects.filter(email="ada.new@example.org").exists()

    def test_patch_without_path_okta_style(self, scim):
        body = create(scim, "ada@example.org")
        response = scim.patch(
            f"Users/{body['id']}",
            [{"op": "replace", "value": {"active": False, "externalId": "k"}}],
        )
        assert response.status_code == 200, response.content
        assert response.json()["active"] is False
        assert response.json()["externalId"] == "k"

    def test_patch_active_as_string_entra_style(self, scim):
        body = create(scim, "ada@example.org")
        response = scim.patch(
            f"Users/{body['id']}",
            [{"op": "Replace", "path": "active", "value": "False"}],
        )
        assert response.status_code == 200, response.content
        assert response.json()["active"] is False

    def test_patch_read_only_or_unknown_path_is_refused(self, scim):
        body = create(scim, "ada@example.org")
        path = f"Users/{body['id']}"
        assert_error(
            scim.patch(path, [{"op": "replace", "path": "id", "value": "x"}]), 400
        )
        assert_error(scim.patch(path, [{"op": "jump", "path": "active"}]), 400)
        assert_error(
            scim.patch(path, [{"op": "replace", "path": "emails[", "value": "x"}]), 400
        )
        assert_error(scim._send("patch", path, {"Operations": "no"}), 400)

    def test_attributes_the_portal_does_not_keep_are_ignored(self, scim):
        body = create(scim, "ada@example.org")
        response = scim.patch(
            f"Users/{body['id']}",
            [{"op": "replace", "path": "title", "value": "Analyst"}],
        )
        assert response.status_code == 200, response.content
        assert "title" not in response.json()

    def test_an_adopted_accounts_address_cannot_be_changed(self, scim):
        UserFactory(email="learner@example.org")
        body = create(scim, "learner@example.org")
        response = scim.patch(
            f"Users/{body['id']}",
            [
                {
                    "op": "replace",
                    "path": "emails",
                    "value": [{"value": "x@attacker.example.com"}],
                }
            ],
        )
        assert_error(response, 400, "mutability")
        assert User.objects.filter(email="learner@example.org").exists()

    def test_an_address_of_another_account_is_uniqueness(self, scim):
        UserFactory(email="taken@example.org")
        body = create(scim, "ada@example.org")
        response = scim.patch(
            f"Users/{body['id']}",
            [
                {
                    "op": "replace",
                    "path": "emails",
                    "value": [{"value": "taken@example.org"}],
                }
            ],
        )
        assert_error(response, 409, "uniqueness")


class TestOtherOrganizations:
    def test_another_organizations_token_gets_404(self, scim, globex_scim):
        body = create(scim, "ada@example.org")
        path = f"Users/{body['id']}"
        assert_error(globex_scim.get(path), 404)
        assert_error(globex_scim.put(path, user_body("ada@example.org")), 404)
        assert_error(
            globex_scim.patch(
                path, [{"op": "replace", "path": "active", "value": False}]
            ),
            404,
        )
        assert_error(globex_scim.delete(path), 404)
        listed = globex_scim.get(
            "Users", data={"filter": 'userName eq "ada@example.org"'}
        ).json()
        assert listed["totalResults"] == 0
        user = User.objects.get(email="ada@example.org")
        assert user.is_active
        assert scim.get(path).json()["active"] is True

    def test_unknown_id_is_404(self, scim):
        assert_error(scim.get("Users/not-a-uuid"), 404)
        assert_error(scim.get("Users/3f1c1d7e-94a1-4f54-8d4b-0d2b6e0b9a11"), 404)


class TestAuthentication:
    def test_no_or_wrong_token_is_401(self, client, acme):
        assert_error(client.get("/scim/v2/Users"), 401)
        response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION="Bearer scim_nope")
        body = assert_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "nope" not in body["detail"]

    def test_a_portal_jwt_is_not_a_scim_token(self, client, acme):
        admin = UserFactory(role=Role.ADMIN)
        api = APIClient()
        data = signed_in(api, admin)
        response = client.get(
            "/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {data['token']}"
        )
        assert_error(response, 401)

    def test_a_revoked_token_is_401(self, scim, acme):
        scim_token_revoke(token=ScimToken.objects.get(organization=acme), actor=None)
        assert_error(scim.get("Users"), 401)

    def test_only_the_hash_is_stored(self, acme, acme_token):
        import hashlib

        token = ScimToken.objects.get(organization=acme)
        assert token.token_hash == hashlib.sha256(acme_token.encode()).hexdigest()
        assert acme_token not in str(
            list(
                ScimToken.objects.values_list(
                    *[f.attname for f in ScimToken._meta.fields]
                )
            )
        )

    def test_wrong_tokens_are_throttled(self, client, acme_token, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "scim_token": "3/min"}
        for _ in range(3):
            assert (
                client.get(
                    "/scim/v2/Users", HTTP_AUTHORIZATION="Bearer bad"
                ).status_code
                == 401
            )
        response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION="Bearer bad")
        assert_error(response, 429)
        assert int(response["Retry-After"]) > 0
        # Another address is not held back.
        ok = client.get(
            "/scim/v2/Users",
            HTTP_AUTHORIZATION=f"Bearer {acme_token}",
            REMOTE_ADDR="10.9.9.9",
        )
        assert ok.status_code == 200

    def test_unknown_endpoint_is_a_scim_404(self, scim):
        assert_error(scim.get("Nothing"), 404)

    def test_last_use_is_recorded(self, scim, acme):
        scim.get("Users")
        assert ScimToken.objects.get(organization=acme).last_used_at is not None


class TestDeprovisioning:
    def _signed_in_learner(self, scim, client):
        body = create(scim, "ada@example.org")
        user = User.objects.get(email="ada@example.org")
        user.set_password(PASSWORD)
        user.save()
        api = APIClient()
        signed_in(api, user)
        assert api.get("/api/v1/users/me").status_code == 200
        client.force_login(user)
        assert client.get("/api/v1/users/me").status_code == 200
        return body, user, api

    def test_active_false_deactivates_and_ends_sessions(self, scim, client):
        body, user, api = self._signed_in_learner(scim, client)
        response = scim.patch(
            f"Users/{body['id']}", [{"op": "replace", "path": "active", "value": False}]
        )
        assert response.status_code == 200
        user.refresh_from_db()
        assert not user.is_active
        assert user.sessions_revoked_at is not None
        assert api.get("/api/v1/users/me").status_code == 401  # the JWT stopped
        assert client.get("/api/v1/users/me").status_code in (401, 403)  # web session
        assert not OrganizationMembership.objects.current().filter(user=user).exists()
        # The resource stays, inactive, for the HR system.
        assert scim.get(f"Users/{body['id']}").json()["active"] is False

    def test_reactivation_restores_account_and_membership(self, scim, acme):
        body = create(scim, "ada@example.org")
        path = f"Users/{body['id']}"
        scim.patch(path, [{"op": "replace", "path": "active", "value": False}])
        scim.patch(path, [{"op": "replace", "path": "active", "value": True}])
        user = User.objects.get(email="ada@example.org")
        assert user.is_active
        assert (
            OrganizationMembership.objects.current().get(user=user).organization == acme
        )

    def test_reactivation_does_not_undo_an_admins_deactivation(self, scim):
        body = create(scim, "ada@example.org")
        user = User.objects.get(email="ada@example.org")
        user.is_active = False  # an admin disables the account
        user.save()
        path = f"Users/{body['id']}"
        scim.patch(path, [{"op": "replace", "path": "active", "value": False}])
        scim.patch(path, [{"op": "replace", "path": "active", "value": True}])
        user.refresh_from_db()
        assert not user.is_active

    def test_a_promoted_person_is_not_deactivated(self, scim):
        body = create(scim, "ada@example.org")
        user = User.objects.get(email="ada@example.org")
        user.role = Role.INSTRUCTOR
        user.save()
        scim.patch(
            f"Users/{body['id']}", [{"op": "replace", "path": "active", "value": False}]
        )
        user.refresh_from_db()
        assert user.is_active
        assert not OrganizationMembership.objects.current().filter(user=user).exists()

    @pytest.mark.skipif(
        OrganizationMembership._meta.get_field("user").one_to_one,
        reason="a person belongs to one organization in today's model",
    )
    def test_a_person_in_another_organization_stays_active(
        self, scim, globex_scim, client
    ):  # pragma: no cover - runs once memberships are many per person
        create(globex_scim, "ada@example.org")
        body = create(scim, "ada@example.org")
        scim.patch(
            f"Users/{body['id']}", [{"op": "replace", "path": "active", "value": False}]
        )
        user = User.objects.get(email="ada@example.org")
        assert user.is_active
        assert list(
            OrganizationMembership.objects.current()
            .filter(user=user)
            .values_list("organization__slug", flat=True)
        ) == ["globex"]

    def test_a_person_active_in_another_organizations_scim_stays_active(
        self, scim, globex
    ):
        # Today's model allows one membership per person, so the other
        # organization's hold is its active SCIM identity.
        body = create(scim, "ada@example.org")
        user = User.objects.get(email="ada@example.org")
        ScimIdentity.objects.create(
            organization=globex, user=user, user_name="ada", active=True
        )
        scim.patch(
            f"Users/{body['id']}", [{"op": "replace", "path": "active", "value": False}]
        )
        user.refresh_from_db()
        assert user.is_active
        assert not OrganizationMembership.objects.current().filter(user=user).exists()

    def test_delete_deprovisions_and_keeps_records(self, scim, client):
        body, user, api = self._signed_in_learner(scim, client)
        response = scim.delete(f"Users/{body['id']}")
        assert response.status_code == 204
        assert response.content == b""
        assert_error(scim.get(f"Users/{body['id']}"), 404)
        user.refresh_from_db()
        assert not user.is_active
        assert api.get("/api/v1/users/me").status_code == 401
        assert ScimIdentity.objects.get(user=user).deleted_at is not None
        assert_error(scim.delete(f"Users/{body['id']}"), 404)

    def test_a_deleted_user_can_be_provisioned_again(self, scim):
        body = create(scim, "ada@example.org")
        scim.delete(f"Users/{body['id']}")
        again = create(scim, "ada@example.org")
        assert again["id"] != body["id"]
        user = User.objects.get(email="ada@example.org")
        assert user.is_active
        assert OrganizationMembership.objects.current().filter(user=user).exists()

    def test_another_organization_provisions_someone_who_left_one(
        self, scim, globex_scim, globex
    ):
        body = create(scim, "ada@example.org")
        scim.delete(f"Users/{body['id']}")
        user = User.objects.get(email="ada@example.org")
        assert not user.is_active
        create(globex_scim, "ada@example.org")
        user.refresh_from_db()
        assert user.is_active
        assert (
            OrganizationMembership.objects.current().get(user=user).organization
            == globex
        )
        # Acme provisioning the person again adds Acme; Globex keeps its member.
        assert scim.post("Users", user_body("ada@example.org")).status_code == 201
        assert sorted(
            OrganizationMembership.objects.current()
            .filter(user=user)
            .values_list("organization__slug", flat=True)
        ) == ["acme", "globex"]

    def test_post_with_active_false(self, scim):
        create(scim, "ada@example.org", active=False)
        user = User.objects.get(email="ada@example.org")
        assert not user.is_active
        assert not OrganizationMembership.objects.current().filter(user=user).exists()


class TestAudit:
    def test_provisioning_actions_are_audited(self, scim, acme):
        body = create(scim, "ada@example.org")
        path = f"Users/{body['id']}"
        scim.patch(path, [{"op": "replace", "path": "name.givenName", "value": "A"}])
        scim.patch(path, [{"op": "replace", "path": "active", "value": False}])
        scim.delete(path)
        user = User.objects.get(email="ada@example.org")
        entries = AuditLog.objects.filter(action__startswith="scim.").order_by("id")
        actions = [e.action for e in entries]
        assert actions == [
            "scim.token_issued",
            "scim.user_created",
            "scim.user_updated",
            "scim.user_deprovisioned",
            "scim.user_updated",
            "scim.user_deleted",
        ]
        created = entries.get(action="scim.user_created")
        assert created.resource_id == str(user.pk)
        assert created.details["organization_id"] == acme.pk
        assert created.details["via"] == "scim"
        assert created.details["account_created"] is True
        deprovisioned = entries.get(action="scim.user_deprovisioned")
        assert deprovisioned.details["account_deactivated"] is True
        assert AuditLog.objects.filter(
            action="organization.member_added", details__user_id=user.pk
        ).exists()
        assert AuditLog.objects.filter(
            action="organization.member_removed", details__user_id=user.pk
        ).exists()


class TestWhatHRSystemsSend:
    def test_entra_create_with_extension_and_unkept_attributes(self, scim):
        body = user_body(
            "ada@example.org",
            displayName="Ada Lovelace",
            title="Analyst",
            locale="en-GB",
        )
        body["schemas"].append(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        )
        body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = {
            "department": "SOC"
        }
        response = scim.post("Users", body)
        assert response.status_code == 201, response.content
        assert "title" not in response.json()

    def test_entra_adds_a_work_address(self, scim):
        body = user_body("ada@example.org")
        body["emails"] = [{"value": "ada@example.org", "type": "home", "primary": True}]
        created = scim.post("Users", body).json()
        response = scim.patch(
            f"Users/{created['id']}",
            [
                {
                    "op": "Add",
                    "path": 'emails[type eq "work"].value',
                    "value": "ada.work@example.org",
                }
            ],
        )
        assert response.status_code == 200, response.content
