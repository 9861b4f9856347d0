"""Issuing SCIM tokens: an admin in the Django admin or a management command; the
token is shown once and only its hash is kept."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from corporate.scim.models import ScimToken
from portal.accounts.models import Role
from portal.audit.models import AuditLog
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_management_command_prints_the_token_once(acme, client):
    out = io.StringIO()
    call_command(
        "scim_token_issue", "acme", "--name", "Okta", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    token = ScimToken.objects.get(organization=acme)
    assert token.name == "Okta"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix)
    response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_management_command_unknown_organization(db):
    with pytest.raises(CommandError):
        call_command("scim_token_issue", "nope", stdout=io.StringIO())


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
        client.force_login(admin)
        return client

    def test_admin_issues_a_token_shown_once(self, admin_client, acme):
        response = admin_client.post(
            "/django-admin/corporate_scim/scimtoken/add/",
            {"organization": acme.pk, "name": "Entra ID"},
            follow=True,
        )
        assert response.status_code == 200
        token = ScimToken.objects.get(organization=acme)
        shown = [str(m) for m in response.context["messages"]]
        raw = next(
            word for m in shown for word in m.split() if word.startswith("scim_")
        )
        assert hashlib.sha256(raw.encode()).hexdigest() == token.token_hash
        assert AuditLog.objects.filter(action="scim.token_issued").exists()
        # The change page shows no token, only its prefix.
        page = admin_client.get(
            f"/django-admin/corporate_scim/scimtoken/{token.pk}/change/"
        )
        assert raw not in page.content.decode()

    def test_admin_revokes_tokens(self, admin_client, acme, acme_token, client):
        token = ScimToken.objects.get(organization=acme)
        admin_client.post(
            "/django-admin/corporate_scim/scimtoken/",
            {"action": "revoke_tokens", "_selected_action": [token.pk]},
        )
        token.refresh_from_db()
        assert token.revoked_at is not None
        client.logout()
        response = client.get(
            "/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {acme_token}"
        )
        assert response.status_code == 401

    def test_a_learner_cannot_reach_the_token_admin(self, client, acme):
        client.force_login(UserFactory())
        response = client.get("/django-admin/corporate_scim/scimtoken/add/")
        assert response.status_code in (302, 403)
        assert not ScimToken.objects.exists()
