import pytest

pytestmark = pytest.mark.django_db


class TestSitePages:
    def test_home_page_is_served_at_the_root(self, client, home_page):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<main" in html
        assert "Train for a career in cybersecurity" in html

    def test_wagtail_admin_signs_in_through_allauth(self, client):
        response = client.get("/cms/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/cms/")
        assert client.get("/accounts/login/").status_code == 200

    def test_django_admin_is_mounted(self, client):
        # Its own login page is replaced by the MFA-aware sign-in
        # (tests/portal/web/test_admin_sign_in.py).
        assert client.get("/django-admin/").status_code == 302
        assert client.get("/django-admin/login/")["Location"] == "/accounts/login/"

    def test_admin_can_open_the_wagtail_dashboard(self, client, django_user_model):
        admin = django_user_model.objects.create_superuser(
            "boss@example.org", "pw-long-enough-1"
        )
        client.force_login(admin)
        assert client.get("/cms/").status_code == 200
