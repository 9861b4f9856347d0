"""SCIM Groups: the organization's teams, members added and removed by PATCH, and
kept inside the token's organization."""

import pytest

from corporate.scim.models import ScimGroup
from portal.audit.models import AuditLog

from .conftest import GROUP_SCHEMA, user_body
from .test_users import assert_error, create

pytestmark = pytest.mark.django_db


def group_body(name, members=()):
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": m} for m in members],
    }


def member_ids(body):
    return sorted(m["value"] for m in body.get("members", []))


class TestGroups:
    def test_create_with_members_and_read_back(self, scim, acme):
        ada = create(scim, "ada@example.org")
        response = scim.post("Groups", group_body("SOC analysts", [ada["id"]]))
        assert response.status_code == 201, response.content
        body = response.json()
        assert response["Location"].endswith(f"/scim/v2/Groups/{body['id']}")
        assert body["displayName"] == "SOC analysts"
        assert member_ids(body) == [ada["id"]]
        assert body["members"][0]["$ref"].endswith(f"/Users/{ada['id']}")
        assert ScimGroup.objects.get().organization == acme
        user = scim.get(f"Users/{ada['id']}").json()
        assert [g["value"] for g in user["groups"]] == [body["id"]]
        assert scim.get(f"Groups/{body['id']}").json()["displayName"] == "SOC analysts"

    def test_patch_adds_and_removes_members(self, scim):
        ada = create(scim, "ada@example.org")
        grace = create(scim, "grace@example.org")
        group = scim.post("Groups", group_body("Red team", [ada["id"]])).json()
        path = f"Groups/{group['id']}"
        response = scim.patch(
            path, [{"op": "add", "path": "members", "value": [{"value": grace["id"]}]}]
        )
        assert response.status_code == 200, response.content
        assert member_ids(response.json()) == sorted([ada["id"], grace["id"]])
        # Okta's form: a filter in the path.
        response = scim.patch(
            path, [{"op": "remove", "path": f'members[value eq "{ada["id"]}"]'}]
        )
        assert member_ids(response.json()) == [grace["id"]]
        # Entra's form: the members to remove as the value.
        response = scim.patch(
            path,
            [{"op": "Remove", "path": "members", "value": [{"value": grace["id"]}]}],
        )
        assert response.status_code == 200, response.content
        assert member_ids(response.json()) == []
        response = scim.patch(
            path, [{"op": "replace", "path": "displayName", "value": "Blue team"}]
        )
        assert response.json()["displayName"] == "Blue team"

    def test_put_replaces_members(self, scim):
        ada = create(scim, "ada@example.org")
        grace = create(scim, "grace@example.org")
        group = scim.post("Groups", group_body("Team", [ada["id"]])).json()
        response = scim.put(
            f"Groups/{group['id']}", group_body("Team 2", [grace["id"]])
        )
        assert response.status_code == 200, response.content
        assert member_ids(response.json()) == [grace["id"]]
        assert response.json()["displayName"] == "Team 2"

    def test_filter_display_name_and_member(self, scim):
        ada = create(scim, "ada@example.org")
        scim.post("Groups", group_body("Alpha", [ada["id"]]))
        scim.post("Groups", group_body("Beta"))
        body = scim.get("Groups", data={"filter": 'displayName eq "alpha"'}).json()
        assert [g["displayName"] for g in body["Resources"]] == ["Alpha"]
        body = scim.get("Groups", data={"filter": f'members eq "{ada["id"]}"'}).json()
        assert [g["displayName"] for g in body["Resources"]] == ["Alpha"]
        body = scim.get("Groups", data={"excludedAttributes": "members"}).json()
        assert body["totalResults"] == 2
        assert all("members" not in g for g in body["Resources"])

    def test_another_organizations_user_cannot_be_a_member(self, scim, globex_scim):
        outsider = globex_scim.post("Users", user_body("out@example.org")).json()
        response = scim.post("Groups", group_body("Team", [outsider["id"]]))
        assert_error(response, 400, "invalidValue")
        group = scim.post("Groups", group_body("Team")).json()
        response = scim.patch(
            f"Groups/{group['id']}",
            [{"op": "add", "path": "members", "value": [{"value": outsider["id"]}]}],
        )
        assert_error(response, 400, "invalidValue")

    def test_another_organizations_token_gets_404(self, scim, globex_scim):
        group = scim.post("Groups", group_body("Team")).json()
        path = f"Groups/{group['id']}"
        assert_error(globex_scim.get(path), 404)
        assert_error(globex_scim.put(path, group_body("Mine")), 404)
        assert_error(
            globex_scim.patch(
                path, [{"op": "replace", "path": "displayName", "value": "Mine"}]
            ),
            404,
        )
        assert_error(globex_scim.delete(path), 404)
        assert globex_scim.get("Groups").json()["totalResults"] == 0
        assert scim.get(path).json()["displayName"] == "Team"

    def test_delete(self, scim):
        ada = create(scim, "ada@example.org")
        group = scim.post("Groups", group_body("Team", [ada["id"]])).json()
        assert scim.delete(f"Groups/{group['id']}").status_code == 204
        assert_error(scim.get(f"Groups/{group['id']}"), 404)
        assert "groups" not in scim.get(f"Users/{ada['id']}").json()
        actions = list(
            AuditLog.objects.filter(action__startswith="scim.group").values_list(
                "action", flat=True
            )
        )
        assert actions == ["scim.group_created", "scim.group_deleted"]

    def test_a_deleted_user_leaves_its_groups(self, scim):
        ada = create(scim, "ada@example.org")
        group = scim.post("Groups", group_body("Team", [ada["id"]])).json()
        scim.delete(f"Users/{ada['id']}")
        assert member_ids(scim.get(f"Groups/{group['id']}").json()) == []

    def test_display_name_is_required(self, scim):
        assert_error(scim.post("Groups", {"schemas": [GROUP_SCHEMA]}), 400)

    def test_list_queries_do_not_grow_with_rows(
        self, scim, django_assert_max_num_queries
    ):
        ada = create(scim, "ada@example.org")
        scim.post("Groups", group_body("G0", [ada["id"]]))
        with django_assert_max_num_queries(LIST_QUERIES):
            assert scim.get("Groups").json()["totalResults"] == 1
        for n in range(1, 6):
            user = create(scim, f"u{n}@example.org")
            scim.post("Groups", group_body(f"G{n}", [ada["id"], user["id"]]))
        with django_assert_max_num_queries(LIST_QUERIES):
            assert scim.get("Groups").json()["totalResults"] == 6


# The token (and its last use), the count, the page, the members of the page.
LIST_QUERIES = 5


class TestDiscovery:
    def test_service_provider_config(self, scim):
        response = scim.get("ServiceProviderConfig")
        assert response.status_code == 200
        body = response.json()
        assert body["patch"]["supported"] is True
        assert body["filter"]["supported"] is True
        assert body["bulk"]["supported"] is False
        assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"

    def test_resource_types_and_schemas(self, scim):
        types = scim.get("ResourceTypes").json()
        assert sorted(t["name"] for t in types["Resources"]) == ["Group", "User"]
        assert scim.get("ResourceTypes/User").json()["endpoint"] == "/Users"
        assert_error(scim.get("ResourceTypes/Nope"), 404)
        schemas = scim.get("Schemas").json()
        ids = sorted(s["id"] for s in schemas["Resources"])
        assert ids == [GROUP_SCHEMA, "urn:ietf:params:scim:schemas:core:2.0:User"]
        user_schema = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
        names = {a["name"] for a in user_schema.json()["attributes"]}
        assert {"userName", "name", "emails", "active", "groups"} <= names
        assert "password" not in names

    def test_discovery_needs_a_token(self, client, acme):
        assert_error(client.get("/scim/v2/ServiceProviderConfig"), 401)
