"""The profile page: the certificate name, password and MFA links, devices with
"sign out everywhere", and e-mail preferences."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learning.models import Certificate
from learning.services import enrollment_create, module_progress_record
from learning.services.certificates import certificate_issue
from portal.notifications.models import NotificationPreference
from tests.learning import conftest as learning_fixtures
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The learning app's course fixtures, reused by name.
admin_user = learning_fixtures.admin_user
instructor = learning_fixtures.instructor
make_course = learning_fixtures.make_course
course = learning_fixtures.course

URL = "/accounts/profile/"


@pytest.fixture
def member():
    return UserFactory(email="kim@example.org", first_name="Kim", last_name="Lee")


@pytest.fixture
def web(client, member):
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    )
    assert response.status_code == 302
    return client


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_shows_name_security_devices_and_preferences(web, home_page):
    html = web.get(URL).content.decode()
    assert 'value="Kim"' in html
    assert 'value="Lee"' in html
    assert reverse("account_change_password") in html
    assert reverse("mfa_index") in html
    assert "Firefox on Linux" in html
    assert "Sign out everywhere" in html
    assert 'value="learning.enrollment_confirmed"' in html
    # Security notices are not offered for turning off.
    assert 'value="accounts.password_changed"' not in html


def test_the_name_is_saved(web, member, home_page):
    response = web.post(
        URL, {"action": "name", "first_name": " Kimberly ", "last_name": "Lee-Park"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Kimberly", "Lee-Park")


def test_an_empty_name_is_refused(web, member, home_page):
    response = web.post(URL, {"action": "name", "first_name": "", "last_name": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    member.refresh_from_db()
    assert member.first_name == "Kim"


def test_the_next_certificate_carries_the_new_name(
    web, member, course, home_page, django_capture_on_commit_callbacks
):
    web.post(URL, {"action": "name", "first_name": "Kimberly", "last_name": "Park"})
    enrollment = enrollment_create(actor=member, course_id=course.pk)
    for module in course.get_children().live().specific():
        if module.is_mandatory:
            module_progress_record(
                actor=member, course_id=course.pk, module_id=module.pk, completed=True
            )
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.holder_name == "Kimberly Park"
    assert Certificate.objects.get(user=member).holder_name == "Kimberly Park"


def test_preferences_are_saved(web, member, home_page):
    response = web.post(
        URL, {"action": "preferences", "enabled": ["learning.certificate_issued"]}
    )
    assert response.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=member).values_list(
            "event", "enabled"
        )
    )
    assert chosen["learning.enrollment_confirmed"] is False
    assert chosen["learning.certificate_issued"] is True


def test_sign_out_everywhere_ends_web_and_api_sessions(web, member, home_page):
    api = APIClient()
    signed_in(api, member)
    assert api.get("/api/v1/users/me").status_code == 200
    response = web.post(URL, {"action": "sign_out_everywhere"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert web.get(URL).status_code == 302
    assert api.get("/api/v1/users/me").status_code == 401


def test_an_unknown_action_is_400(web):
    assert web.post(URL, {"action": "drop_tables"}).status_code == 400


def test_another_persons_devices_are_not_shown(web, home_page):
    other = UserFactory()
    APIClient().post(
        "/api/v1/auth/login",
        {"email": other.email, "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Edg/140.0",
    )
    assert "Edge on Windows" not in web.get(URL).content.decode()


def test_the_query_count_does_not_grow_with_devices(
    web, member, home_page, django_assert_max_num_queries
):
    from portal.accounts.models import KnownDevice

    with django_assert_max_num_queries(25) as few:
        web.get(URL)
    KnownDevice.objects.bulk_create(
        KnownDevice(user=member, fingerprint=f"{n:064x}", label="Firefox on Linux")
        for n in range(1, 15)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert web.get(URL).status_code == 200


def sign_in_from(member, agent: str):
    from django.test import Client

    browser = Client()
    response = browser.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302
    return browser


CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/140.0 Safari/537.36"


def sessions_table(html: str) -> str:
    return html.split('class="devices sessions"', 1)[1].split("</table>", 1)[0]


def test_live_sessions_are_listed_and_this_browser_marked(web, member, home_page):
    other_browser = sign_in_from(member, CHROME)
    api = APIClient()
    api.post(
        "/api/v1/auth/login",
        {"email": member.email, "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Edg/140.0",
    )
    table = sessions_table(web.get(URL).content.decode())
    assert table.count("<tr>") == 4  # the header and three sessions
    assert "Firefox on Linux" in table
    assert "this browser" in table
    assert "Chrome on macOS" in table
    assert "Edge on Windows" in table
    assert "API token family" in table

    # Signing out in the other browser ends that session: it is no longer listed.
    other_browser.post(reverse("account_logout"))
    table = sessions_table(web.get(URL).content.decode())
    assert "Chrome on macOS" not in table
    assert "Firefox on Linux" in table


def test_another_persons_sessions_are_not_listed(web, home_page):
    sign_in_from(UserFactory(), CHROME)
    assert "Chrome on macOS" not in web.get(URL).content.decode()


def test_the_query_count_does_not_grow_with_sessions(
    web, member, home_page, django_assert_max_num_queries
):
    sign_in_from(member, CHROME)
    with django_assert_max_num_queries(30) as few:
        web.get(URL)
    # Read now: the next request clears the connection's query log.
    one_session = len(few.captured_queries)
    for _ in range(4):
        sign_in_from(member, CHROME)
    with django_assert_max_num_queries(one_session):
        html = web.get(URL).content.decode()
    assert sessions_table(html).count("Chrome on macOS") == 5
