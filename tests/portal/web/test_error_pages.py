"""The site's own 404 and 500 pages (also with DEBUG on), and a clear 403 page for
signed-in people without access to an admin area (no redirect loop)."""

import pytest
from django.test import RequestFactory, override_settings

from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.api.views import server_error
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    return UserFactory(role=Role.STUDENT)


@pytest.fixture
def instructor():
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


class TestAdminAreas:
    @pytest.mark.parametrize("path", ["/cms/", "/cms/pages/", "/django-admin/"])
    @pytest.mark.parametrize("role", [Role.STUDENT, Role.MENTOR, Role.CORPORATE_REP])
    def test_a_non_staff_user_gets_a_403_page(self, client, home_page, path, role):
        client.force_login(UserFactory(role=role))
        response = client.get(path)
        assert response.status_code == 403
        assert "Location" not in response
        html = response.content.decode()
        assert 'class="site-header"' in html
        assert "no access here" in html
        # No stacked "no permission" banners from Wagtail.
        assert html.count('class="message') == 0

    def test_an_instructor_reaches_the_editor(self, client, instructor):
        client.force_login(instructor)
        assert client.get("/cms/").status_code == 200

    def test_an_instructor_is_no_django_admin(self, client, home_page, instructor):
        client.force_login(instructor)
        assert client.get("/django-admin/").status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/cms/")
        assert response.status_code == 302
        assert "/login/" in response["Location"]


class TestNotFound:
    @pytest.mark.parametrize("debug", [True, False])
    def test_a_missing_page_looks_like_the_site(self, client, home_page, debug):
        with override_settings(DEBUG=debug):
            response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert 'class="site-header"' in html
        assert "Page not found" in html
        assert "Django tried these URL patterns" not in html

    def test_the_api_keeps_its_envelope(self, client):
        with override_settings(DEBUG=True):
            response = client.get("/api/v1/no-such-endpoint")
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NOT_FOUND"


class TestServerError:
    def test_the_500_page_is_branded(self, settings):
        settings.WAGTAIL_SITE_NAME = "Veterans Cyber Academy"
        response = server_error(RequestFactory().get("/courses/"))
        assert response.status_code == 500
        html = response.content.decode()
        assert "Veterans Cyber Academy" in html
        assert "Something went wrong" in html
        assert "/static/css/portal.css" in html
