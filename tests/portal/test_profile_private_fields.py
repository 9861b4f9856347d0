"""Date of birth and clearance level on the profile: the person reads and edits
them (API and profile page), administrators too; a mentor or corporate
representative who sees the profile does not see them; strangers get 404."""

import datetime

import pytest
from django.db import models
from django.db.models.functions import Cast

from portal.accounts.models import Profile, Role
from portal.accounts.services import user_view_grant
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DETAILS = {"date_of_birth": "1988-11-09", "clearance_level": "ts_sci"}


def url(user_id) -> str:
    return f"/api/v1/users/{user_id}"


@pytest.fixture
def person():
    user = UserFactory()
    Profile.objects.filter(user=user).update(
        phone="+1 555 0100",
        date_of_birth=datetime.date(1988, 11, 9),
        clearance_level="ts_sci",
    )
    return user


class TestApi:
    def test_the_person_reads_and_edits_them(self, api_client, person):
        signed_in(api_client, person)
        profile = api_client.get(url("me")).json()["data"]["profile"]
        assert profile["date_of_birth"] == "1988-11-09"
        assert profile["clearance_level"] == "ts_sci"
        response = api_client.put(
            url("me"),
            {"date_of_birth": "1990-01-31", "clearance_level": "secret"},
            format="json",
        )
        assert response.status_code == 200, response.content
        stored = Profile.objects.get(user=person)
        assert stored.date_of_birth == datetime.date(1990, 1, 31)
        assert stored.clearance_level == "secret"
        raw = Profile.objects.annotate(
            raw=Cast("clearance_level", models.TextField())
        ).get(user=person)
        assert raw.raw.startswith("fernet:")
        cleared = api_client.put(
            url("me"), {"date_of_birth": None, "clearance_level": ""}, format="json"
        )
        assert cleared.json()["data"]["profile"]["date_of_birth"] is None
        assert Profile.objects.get(user=person).clearance_level == ""

    def test_an_admin_reads_and_edits_them(self, api_client, person):
        signed_in(api_client, UserFactory(role=Role.ADMIN))
        profile = api_client.get(url(person.pk)).json()["data"]["profile"]
        assert profile["clearance_level"] == "ts_sci"
        response = api_client.put(
            url(person.pk), {"clearance_level": "confidential"}, format="json"
        )
        assert response.status_code == 200
        assert Profile.objects.get(user=person).clearance_level == "confidential"

    @pytest.mark.parametrize("role", [Role.MENTOR, Role.CORPORATE_REP])
    def test_a_mentor_or_rep_sees_the_profile_without_them(
        self, api_client, person, role
    ):
        viewer = UserFactory(role=role)
        user_view_grant(viewer=viewer, user=person)
        signed_in(api_client, viewer)
        response = api_client.get(url(person.pk))
        assert response.status_code == 200
        profile = response.json()["data"]["profile"]
        assert profile["phone"] == "+1 555 0100"  # as before
        assert "date_of_birth" not in profile
        assert "clearance_level" not in profile
        assert "1988" not in response.content.decode()
        edit = api_client.put(url(person.pk), DETAILS, format="json")
        assert edit.status_code == 403
        assert Profile.objects.get(user=person).clearance_level == "ts_sci"

    def test_another_learner_gets_404(self, api_client, person):
        signed_in(api_client, UserFactory())
        assert api_client.get(url(person.pk)).status_code == 404
        assert api_client.put(url(person.pk), DETAILS, format="json").status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
            ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
            ({"date_of_birth": "yesterday"}, "date_of_birth"),
            ({"date_of_birth": 19880101}, "date_of_birth"),
            ({"clearance_level": "cosmic"}, "clearance_level"),
            ({"clearance_level": 3}, "clearance_level"),
        ],
    )
    def test_bad_values_are_400_naming_the_field(self, api_client, person, body, field):
        signed_in(api_client, person)
        response = api_client.put(url("me"), body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field
        assert Profile.objects.get(user=person).clearance_level == "ts_sci"

    def test_query_count_does_not_depend_on_the_viewer(
        self, api_client, person, django_assert_max_num_queries
    ):
        signed_in(api_client, person)
        with django_assert_max_num_queries(4):
            assert api_client.get(url("me")).status_code == 200
        admin = api_client_for(UserFactory(role=Role.ADMIN))
        with django_assert_max_num_queries(4):
            assert admin.get(url(person.pk)).status_code == 200


def api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    signed_in(client, user)
    return client


class TestProfilePage:
    @pytest.fixture
    def web(self, client, person):
        client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        return client

    def test_shows_and_saves_the_details(self, web, person, home_page):
        html = web.get("/accounts/profile/").content.decode()
        assert 'value="+1 555 0100"' in html
        assert 'value="1988-11-09"' in html
        assert '<option value="ts_sci" selected>' in html
        response = web.post(
            "/accounts/profile/",
            {
                "action": "details",
                "phone": "+44 20 7946 0000",
                "date_of_birth": "1979-06-30",
                "clearance_level": "public_trust",
            },
        )
        assert response.status_code == 302
        profile = Profile.objects.get(user=person)
        assert profile.phone == "+44 20 7946 0000"
        assert profile.date_of_birth == datetime.date(1979, 6, 30)
        assert profile.clearance_level == "public_trust"

    def test_an_impossible_birth_date_is_refused(self, web, person, home_page):
        response = web.post(
            "/accounts/profile/",
            {"action": "details", "date_of_birth": "2999-01-01", "phone": ""},
        )
        assert response.status_code == 200
        assert "Enter a real date of birth." in response.content.decode()
        assert Profile.objects.get(user=person).date_of_birth == datetime.date(
            1988, 11, 9
        )
