import pytest

from corporate.models import Organization
from corporate.scim.services import scim_token_issue


@pytest.fixture
def acme(db):
    return Organization.objects.create(name="Acme Defense", slug="acme")


@pytest.fixture
def globex(db):
    return Organization.objects.create(name="Globex", slug="globex")


@pytest.fixture
def acme_token(acme):
    return scim_token_issue(organization_id=acme.pk, name="Okta", actor=None)[1]


@pytest.fixture
def globex_token(globex):
    return scim_token_issue(organization_id=globex.pk, name="Entra", actor=None)[1]


class Scim:
    """A SCIM client over Django's test client: JSON in and out, one token."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def _send(self, method, path, body=None, **extra):
        import json

        kwargs = {**self.headers, **extra}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/scim+json"
        return getattr(self.client, method)(f"/scim/v2/{path}", **kwargs)

    def get(self, path, **extra):
        return self._send("get", path, **extra)

    def post(self, path, body, **extra):
        return self._send("post", path, body, **extra)

    def put(self, path, body, **extra):
        return self._send("put", path, body, **extra)

    def patch(self, path, operations, **extra):
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        }
        return self._send("patch", path, body, **extra)

    def delete(self, path, **extra):
        return self._send("delete", path, **extra)


@pytest.fixture
def scim(client, acme_token):
    return Scim(client, acme_token)


@pytest.fixture
def globex_scim(client, globex_token):
    return Scim(client, globex_token)


USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def user_body(email, **extra):
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "active": True,
        **extra,
    }
