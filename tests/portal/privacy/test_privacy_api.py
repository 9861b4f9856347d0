"""Privacy API (API.md Part 2, "Privacy"): who may export, erase and read or write
consents, the single-use download, the password check, and the consent ledger."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corporate.talent.models import TalentProfile
from corporate.talent.services import talent_profile_update
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.privacy.models import ConsentRecord, ConsentRecordImmutableError
from portal.privacy.services import consent_record
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import PASSWORD, UserFactory

# Jobs start after their request's commit (``job_start``), and run eagerly then.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def as_user(api_client):
    def sign_in(user):
        api_client.credentials()
        signed_in(api_client, user)
        return api_client

    return sign_in


@pytest.fixture
def admin(db):
    user = UserFactory(role=Role.ADMIN)
    user_role_privileges_sync(user=user)
    return user


def data_of(response, status=200):
    assert response.status_code == status, response.content
    assert response.json()["status"] == "success"
    return response.json()["data"]


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response.json()["status"] == "error"
    return response.json()["errors"][0]


class TestExport:
    def test_own_export_is_a_job_whose_file_downloads_once(self, as_user):
        user = UserFactory()
        client = as_user(user)
        job = data_of(client.post("/api/v1/users/me/export/"), 202)["job"]
        assert job["kind"] == "personal_data_export"
        job = data_of(client.get(f"/api/v1/jobs/{job['id']}"))
        assert job["status"] == "succeeded"
        url = job["result"]["download_url"]
        assert job["result"]["sections"]["accounts.account"] == 1
        first = client.get(url)
        assert first.status_code == 200
        assert first["Content-Type"] == "application/zip"
        assert b"".join(first.streaming_content)[:2] == b"PK"
        assert error_of(client.get(url), 404)["code"] == "NOT_FOUND"
        # The job no longer offers it.
        assert (
            "download_url"
            not in data_of(client.get(f"/api/v1/jobs/{job['id']}"))["result"]
        )

    def test_own_id_works_like_me(self, as_user):
        user = UserFactory()
        data_of(as_user(user).post(f"/api/v1/users/{user.pk}/export"), 202)

    def test_someone_elses_export_is_404_even_for_an_admin(self, as_user, admin):
        other = UserFactory()
        for actor in (UserFactory(), admin):
            response = as_user(actor).post(f"/api/v1/users/{other.pk}/export")
            assert error_of(response, 404)["code"] == "NOT_FOUND"

    def test_the_download_is_the_owners_only(self, as_user, admin):
        owner = UserFactory()
        job = data_of(as_user(owner).post("/api/v1/users/me/export"), 202)["job"]
        for other in (UserFactory(), admin):
            response = as_user(other).get(f"/api/v1/jobs/{job['id']}/download")
            assert error_of(response, 404)["code"] == "NOT_FOUND"
        # Still there for its owner: the others' attempts did not use it up.
        assert (
            as_user(owner).get(f"/api/v1/jobs/{job['id']}/download").status_code == 200
        )

    def test_anonymous_is_401(self, api_client):
        assert api_client.post("/api/v1/users/me/export").status_code == 401


class TestErase:
    def test_own_erasure_needs_the_password(self, as_user):
        user = UserFactory()
        client = as_user(user)
        missing = client.post("/api/v1/users/me/erase", {}, format="json")
        assert error_of(missing, 400)["field"] == "password"
        wrong = client.post(
            "/api/v1/users/me/erase", {"password": "not-it-at-all"}, format="json"
        )
        assert error_of(wrong, 403)["code"] == "PERMISSION_DENIED"
        user.refresh_from_db()
        assert user.is_active
        assert user.email.endswith("@example.org")
        job = data_of(
            client.post(
                "/api/v1/users/me/erase", {"password": PASSWORD}, format="json"
            ),
            202,
        )["job"]
        assert job["kind"] == "personal_data_erase"
        user.refresh_from_db()
        assert not user.is_active
        assert user.email.endswith("@erased.invalid")
        assert not user.has_usable_password()

    def test_wrong_passwords_are_throttled(self, as_user, settings):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "privacy_erase": "2/hour"}
        client = as_user(UserFactory())
        for _ in range(2):
            client.post(
                "/api/v1/users/me/erase", {"password": "nope-nope"}, format="json"
            )
        response = client.post(
            "/api/v1/users/me/erase", {"password": PASSWORD}, format="json"
        )
        assert error_of(response, 429)["code"] == "RATE_LIMITED"

    def test_admin_erases_someone_without_a_password(self, as_user, admin):
        target = UserFactory()
        job = data_of(as_user(admin).post(f"/api/v1/users/{target.pk}/erase"), 202)[
            "job"
        ]
        job = data_of(as_user(admin).get(f"/api/v1/jobs/{job['id']}"))
        assert job["status"] == "succeeded"
        assert {"model", "action", "rows", "why"} <= set(job["result"]["erased"][0])
        target.refresh_from_db()
        assert not target.is_active
        again = as_user(admin).post(f"/api/v1/users/{target.pk}/erase")
        assert error_of(again, 409)["code"] == "ALREADY_ERASED"

    def test_others_cannot_erase_someone(self, as_user):
        target = UserFactory()
        for actor_role in (Role.STUDENT, Role.INSTRUCTOR, Role.MENTOR):
            actor = UserFactory(role=actor_role)
            response = as_user(actor).post(
                f"/api/v1/users/{target.pk}/erase",
                {"password": PASSWORD},
                format="json",
            )
            assert error_of(response, 404)["code"] == "NOT_FOUND"
        target.refresh_from_db()
        assert target.is_active

    def test_unknown_user_is_404_for_an_admin(self, as_user, admin):
        response = as_user(admin).post("/api/v1/users/999999999/erase")
        assert error_of(response, 404)["code"] == "NOT_FOUND"


class TestConsents:
    def test_append_and_read_the_ledger(self, as_user):
        user = UserFactory()
        client = as_user(user)
        for granted in (True, False, True):
            row = data_of(
                client.post(
                    "/api/v1/users/me/consents",
                    {"purpose": "analytics_cookies", "granted": granted},
                    format="json",
                ),
                201,
            )
            assert set(row) == {"id", "purpose", "granted", "at", "source"}
        client.post(
            "/api/v1/users/me/consents",
            {"purpose": "email_marketing", "granted": False},
            format="json",
        )
        response = client.get("/api/v1/users/me/consents")
        rows = data_of(response)
        assert len(rows) == 4
        assert response.json()["meta"]["pagination"]["total"] == 4
        current = data_of(client.get("/api/v1/users/me/consents?current=true"))
        assert {(r["purpose"], r["granted"]) for r in current} == {
            ("analytics_cookies", True),
            ("email_marketing", False),
        }

    def test_bad_input_is_400(self, as_user):
        client = as_user(UserFactory())
        for body in (
            {"purpose": "selling_data", "granted": True},
            {"purpose": "analytics_cookies", "granted": "maybe"},
            {"purpose": "analytics_cookies"},
        ):
            response = client.post("/api/v1/users/me/consents", body, format="json")
            assert error_of(response, 400)["code"] == "VALIDATION_ERROR"

    def test_someone_elses_ledger_is_404(self, as_user, admin):
        owner = UserFactory()
        consent_record(user=owner, purpose="analytics_cookies", granted=True)
        for actor in (UserFactory(), admin):
            client = as_user(actor)
            assert error_of(client.get(f"/api/v1/users/{owner.pk}/consents"), 404)
            response = client.post(
                f"/api/v1/users/{owner.pk}/consents",
                {"purpose": "analytics_cookies", "granted": False},
                format="json",
            )
            assert error_of(response, 404)["code"] == "NOT_FOUND"
        assert ConsentRecord.objects.filter(user=owner).count() == 1

    def test_rows_cannot_be_changed(self):
        record = consent_record(
            user=UserFactory(), purpose="email_marketing", granted=True
        )
        record.granted = False
        with pytest.raises(ConsentRecordImmutableError):
            record.save()

    @pytest.mark.parametrize("current", ["", "?current=true"])
    def test_queries_do_not_grow_with_the_ledger(self, as_user, current):
        user = UserFactory()
        client = as_user(user)

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert (
                    client.get(f"/api/v1/users/me/consents{current}").status_code == 200
                )
            return len(queries)

        def record(times: int) -> None:
            for index in range(times):
                consent_record(
                    user=user,
                    purpose=["analytics_cookies", "email_marketing"][index % 2],
                    granted=bool(index % 3),
                )

        # More than a page (20) each time: a short page spares the COUNT.
        record(21)
        count_queries()  # warm: the API keeps the user's row between requests
        few = count_queries()
        record(30)
        assert count_queries() == few


class TestTalentPipelineConsent:
    def test_withdrawing_hides_the_career_profile(self, as_user):
        user = UserFactory()
        profile = talent_profile_update(actor=user, data={"visible": True})
        assert ConsentRecord.objects.get(user=user).granted
        data_of(
            as_user(user).post(
                "/api/v1/users/me/consents",
                {"purpose": "talent_pipeline", "granted": False},
                format="json",
            ),
            201,
        )
        profile.refresh_from_db()
        assert profile.visible is False

    def test_hiding_the_profile_withdraws_the_consent(self):
        user = UserFactory()
        talent_profile_update(actor=user, data={"visible": True})
        talent_profile_update(actor=user, data={"visible": False})
        granted = list(
            ConsentRecord.objects.filter(user=user)
            .order_by("at", "pk")
            .values_list("granted", flat=True)
        )
        assert granted == [True, False]
        assert not TalentProfile.objects.get(user=user).visible
