"""The Django admin shows the audit log and refuses to change it."""

import pytest

from portal.accounts.models import User
from portal.audit.services import audit_log_record

pytestmark = pytest.mark.django_db

CHANGELIST = "/django-admin/audit/auditlog/"


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root@example.org", "pw"))
    return client


class TestAuditLogAdmin:
    def test_changelist_renders_for_a_superuser(self, superuser_client):
        audit_log_record(action="auth.login_failed", resource_id="7")
        response = superuser_client.get(CHANGELIST)
        assert response.status_code == 200
        assert b"auth.login_failed" in response.content
        assert b"action-checkbox" not in response.content

    def test_detail_is_read_only(self, superuser_client):
        entry = audit_log_record(action="auth.logout")
        url = f"{CHANGELIST}{entry.pk}/change/"
        assert superuser_client.get(url).status_code == 200
        response = superuser_client.post(url, {"action": "changed"})
        assert response.status_code == 403
        entry.refresh_from_db()
        assert entry.action == "auth.logout"

    def test_add_and_delete_are_forbidden(self, superuser_client):
        entry = audit_log_record(action="auth.logout")
        assert superuser_client.get(f"{CHANGELIST}add/").status_code == 403
        delete_url = f"{CHANGELIST}{entry.pk}/delete/"
        assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403

    def test_staff_without_view_permission_is_refused(self, client):
        staff = User.objects.create_user("staff@example.org", "pw", is_staff=True)
        client.force_login(staff)
        assert client.get(CHANGELIST).status_code == 403
