"""The opt-in talent pipeline: who appears, what a representative sees before and
after the learner accepts (API and pages), who reads which interest, the audit."""

import pytest

from corporate.models import Organization, OrganizationMembership
from corporate.services import organization_member_add
from corporate.talent.models import Interest, TalentProfile
from corporate.talent.services import talent_profile_update
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory
from tests.skills import conftest as skills_fixtures

# The skills tests' fixtures, reused by name.
admin_user = skills_fixtures.admin_user
course = skills_fixtures.course
framework = skills_fixtures.framework
instructor = skills_fixtures.instructor
learner_with_evidence = skills_fixtures.learner_with_evidence
make_course = skills_fixtures.make_course
tagged_course = skills_fixtures.tagged_course

pytestmark = pytest.mark.django_db

CANDIDATES = "/api/v1/talent/candidates"


def representative(name: str):
    rep = UserFactory(role=Role.CORPORATE_REP)
    user_role_privileges_sync(user=rep)
    organization = Organization.objects.create(name=name, slug=name.lower())
    organization_member_add(
        organization=organization,
        user=rep,
        role=OrganizationMembership.Role.REPRESENTATIVE,
    )
    return rep


@pytest.fixture
def rep(db):
    return representative("Acme")


@pytest.fixture
def other_rep(db):
    return representative("Globex")


@pytest.fixture
def candidate(learner_with_evidence):
    talent_profile_update(
        actor=learner_with_evidence,
        data={
            "visible": True,
            "headline": "Signals NCO moving into defense",
            "target_roles": ["PD-WRL-901"],
            "location": "Fayetteville, NC",
        },
    )
    return learner_with_evidence


def contacts_in(body) -> list:
    return [row["contact"] for row in body["data"]]


class TestVisibility:
    def test_a_learner_who_did_not_opt_in_never_appears(
        self, api_client, rep, learner_with_evidence
    ):
        # A profile exists but stays hidden by default.
        talent_profile_update(
            actor=learner_with_evidence, data={"headline": "Not looking"}
        )
        assert TalentProfile.objects.get().visible is False
        signed_in(api_client, rep)
        for query in ("", "?work_role=PD-WRL-901", "?q=Not", "?min_coverage=0"):
            body = api_client.get(CANDIDATES + query).json()
            assert body["data"] == []
            assert body["meta"]["pagination"]["total"] == 0
        response = api_client.post(
            f"{CANDIDATES}/{learner_with_evidence.talent.pk}/interest",
            {"message": "Hello"},
            format="json",
        )
        assert response.status_code == 404

    def test_hiding_the_profile_removes_the_learner_at_once(
        self, api_client, rep, candidate
    ):
        signed_in(api_client, rep)
        assert api_client.get(CANDIDATES).json()["meta"]["pagination"]["total"] == 1
        learner = APIClientFor(candidate)
        response = learner.put(
            "/api/v1/users/me/talent-profile", {"visible": False}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["data"]["headline"] == "Signals NCO moving into defense"
        assert api_client.get(CANDIDATES).json()["data"] == []

    def test_filters_by_role_and_minimum_coverage(self, api_client, rep, candidate):
        signed_in(api_client, rep)
        body = api_client.get(CANDIDATES + "?work_role=PD-WRL-901").json()
        assert body["data"][0]["coverage"] == {"PD-WRL-901": 0.75}
        assert api_client.get(CANDIDATES + "?min_coverage=0.8").json()["data"] == []
        assert len(api_client.get(CANDIDATES + "?min_coverage=0.75").json()["data"])
        # Role B: not targeted, nothing shown of it.
        assert api_client.get(CANDIDATES + "?work_role=PD-WRL-902").json()["data"] == []
        for bad in ("?min_coverage=2", "?min_coverage=x", "?work_role=nope"):
            assert api_client.get(CANDIDATES + bad).status_code == 400

    def test_students_and_instructors_may_not_search(
        self, api_client, candidate, instructor
    ):
        for user in (UserFactory(), instructor):
            signed_in(api_client, user)
            assert api_client.get(CANDIDATES).status_code == 403

    def test_query_count_does_not_grow_with_candidates(
        self, api_client, rep, candidate, django_assert_max_num_queries
    ):
        signed_in(api_client, rep)
        with django_assert_max_num_queries(40) as captured:
            api_client.get(CANDIDATES)
        few = len(captured.captured_queries)
        for index in range(5):
            talent_profile_update(
                actor=UserFactory(),
                data={
                    "visible": True,
                    "headline": f"h{index}",
                    "target_roles": ["PD-WRL-902"],
                },
            )
        with django_assert_max_num_queries(few):
            body = api_client.get(CANDIDATES).json()
        assert body["meta"]["pagination"]["total"] == 6


def APIClientFor(user):
    from rest_framework.test import APIClient

    client = APIClient()
    signed_in(client, user)
    return client


class TestContactData:
    def test_no_surname_or_email_before_acceptance_then_only_for_that_rep(
        self, api_client, rep, other_rep, candidate
    ):
        signed_in(api_client, rep)
        body = api_client.get(CANDIDATES).json()
        text = str(body)
        assert candidate.last_name not in text
        assert candidate.email not in text
        assert contacts_in(body) == [None]
        assert body["data"][0]["first_name"] == candidate.first_name
        # Evidence is there: coverage and labs.
        assert body["data"][0]["labs"][0]["title"] == "Lab"
        profile_id = body["data"][0]["profile_id"]
        sent = api_client.post(
            f"{CANDIDATES}/{profile_id}/interest",
            {"message": "Join us"},
            format="json",
        )
        assert sent.status_code == 201
        interest_id = sent.json()["data"]["id"]
        assert sent.json()["data"]["contact"] is None
        detail = api_client.get(f"/api/v1/talent/interests/{interest_id}").json()
        assert detail["data"]["contact"] is None
        assert candidate.email not in str(detail)

        learner = APIClientFor(candidate)
        accepted = learner.post(f"/api/v1/talent/interests/{interest_id}/accept")
        assert accepted.status_code == 200
        assert accepted.json()["data"]["status"] == "accepted"

        detail = api_client.get(f"/api/v1/talent/interests/{interest_id}").json()
        assert detail["data"]["contact"] == {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email": candidate.email,
        }
        assert contacts_in(api_client.get(CANDIDATES).json())[0]["email"] == (
            candidate.email
        )
        # Another organization's representative still sees nothing.
        signed_in(api_client, other_rep)
        body = api_client.get(CANDIDATES).json()
        assert contacts_in(body) == [None]
        assert candidate.email not in str(body)
        assert candidate.last_name not in str(body)

    def test_the_search_does_not_match_surnames(self, api_client, rep, candidate):
        signed_in(api_client, rep)
        assert (
            api_client.get(CANDIDATES + f"?q={candidate.last_name}").json()["data"]
            == []
        )

    def test_pages_show_no_contact_before_acceptance(
        self, client, rep, candidate, home_page
    ):
        client.force_login(rep)
        html = client.get("/talent/").content.decode()
        assert candidate.first_name in html
        assert candidate.last_name not in html
        assert candidate.email not in html
        client.post(
            f"/talent/candidates/{candidate.talent.pk}/interest/",
            {"message": "Hello"},
        )
        interest = Interest.objects.get()
        html = client.get("/talent/").content.decode()
        assert candidate.email not in html
        learner = type(client)()
        learner.force_login(candidate)
        page = learner.get("/learn/career/").content.decode()
        assert "Hello" in page
        learner.post(f"/learn/career/interests/{interest.pk}/accept/")
        html = client.get("/talent/").content.decode()
        assert candidate.email in html
        assert candidate.last_name in html


class TestInterests:
    def send(self, client, rep, candidate, message="Hi"):
        signed_in(client, rep)
        response = client.post(
            f"{CANDIDATES}/{candidate.talent.pk}/interest",
            {"message": message},
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()["data"]["id"]

    def test_another_organizations_rep_cannot_read_interests_she_did_not_send(
        self, api_client, rep, other_rep, candidate
    ):
        interest_id = self.send(api_client, rep, candidate)
        signed_in(api_client, other_rep)
        assert api_client.get(
            f"/api/v1/talent/interests/{interest_id}"
        ).status_code == (404)
        assert api_client.get("/api/v1/talent/interests").json()["data"] == []
        assert (
            api_client.post(
                f"/api/v1/talent/interests/{interest_id}/accept"
            ).status_code
            == 404
        )
        # The learner and the sender read it.
        learner = APIClientFor(candidate)
        assert (
            learner.get("/api/v1/talent/interests").json()["meta"]["pagination"][
                "total"
            ]
            == 1
        )

    def test_only_the_learner_answers_once(self, api_client, rep, candidate):
        interest_id = self.send(api_client, rep, candidate)
        # The representative cannot accept for the learner.
        assert (
            api_client.post(
                f"/api/v1/talent/interests/{interest_id}/accept"
            ).status_code
            == 404
        )
        learner = APIClientFor(candidate)
        assert (
            learner.post(f"/api/v1/talent/interests/{interest_id}/decline").status_code
            == 200
        )
        assert (
            learner.post(f"/api/v1/talent/interests/{interest_id}/accept").status_code
            == 409
        )
        detail = api_client.get(f"/api/v1/talent/interests/{interest_id}").json()
        assert detail["data"]["status"] == "declined"
        assert detail["data"]["contact"] is None

    def test_a_second_pending_interest_is_409_and_bad_bodies_400(
        self, api_client, rep, candidate
    ):
        self.send(api_client, rep, candidate)
        url = f"{CANDIDATES}/{candidate.talent.pk}/interest"
        assert (
            api_client.post(url, {"message": "Again"}, format="json").status_code == 409
        )
        assert api_client.post(url, {}, format="json").status_code == 400
        assert (
            api_client.post(url, {"message": "x" * 2001}, format="json").status_code
            == 400
        )

    def test_only_representatives_send(self, api_client, candidate, admin_user):
        for user in (UserFactory(), admin_user):
            signed_in(api_client, user)
            response = api_client.post(
                f"{CANDIDATES}/{candidate.talent.pk}/interest",
                {"message": "Hi"},
                format="json",
            )
            assert response.status_code == 403

    def test_interest_list_query_count_is_constant(
        self, api_client, rep, candidate, django_assert_max_num_queries
    ):
        self.send(api_client, rep, candidate)
        with django_assert_max_num_queries(20) as captured:
            api_client.get("/api/v1/talent/interests")
        few = len(captured.captured_queries)
        for index in range(4):
            learner = UserFactory()
            talent_profile_update(
                actor=learner, data={"visible": True, "headline": f"h{index}"}
            )
            api_client.post(
                f"{CANDIDATES}/{learner.talent.pk}/interest",
                {"message": "Hi"},
                format="json",
            )
        with django_assert_max_num_queries(few):
            body = api_client.get("/api/v1/talent/interests").json()
        assert body["meta"]["pagination"]["total"] == 5

    def test_the_learner_is_notified_after_commit(
        self, api_client, rep, candidate, django_capture_on_commit_callbacks
    ):
        from wagtail import hooks

        from portal import hooks as portal_hooks

        sent = []

        def channel(*, user, event, payload):
            sent.append((user.pk, event, payload["organization"]))
            return True

        with (
            hooks.register_temporarily(portal_hooks.NOTIFICATION, channel),
            django_capture_on_commit_callbacks(execute=True),
        ):
            self.send(api_client, rep, candidate)
        assert sent == [(candidate.pk, "talent.interest_received", "Acme")]

    def test_every_step_is_audited(self, api_client, rep, candidate):
        interest_id = self.send(api_client, rep, candidate)
        api_client.get(CANDIDATES)
        APIClientFor(candidate).post(f"/api/v1/talent/interests/{interest_id}/accept")
        actions = set(
            AuditLog.objects.filter(action__startswith="talent.").values_list(
                "action", flat=True
            )
        )
        assert actions >= {
            "talent.profile_created",
            "talent.interest_sent",
            "talent.candidates_searched",
            "talent.interest_accepted",
        }


class TestProfileAPI:
    def test_defaults_to_hidden_and_partial_put(self, api_client):
        user = UserFactory()
        signed_in(api_client, user)
        body = api_client.get("/api/v1/users/me/talent-profile").json()
        assert body["data"]["visible"] is False
        response = api_client.patch(
            "/api/v1/users/me/talent-profile/", {"headline": "Hi"}, format="json"
        )
        assert response.json()["data"]["headline"] == "Hi"
        assert response.json()["data"]["visible"] is False
        for bad in (
            {"visible": "yes"},
            {"target_roles": ["PD-WRL-999"]},
            {"target_roles": "PD-WRL-001"},
            {"clearance_level": "cosmic"},
            {"headline": "x" * 201},
        ):
            assert (
                api_client.put(
                    "/api/v1/users/me/talent-profile", bad, format="json"
                ).status_code
                == 400
            ), bad

    def test_someone_elses_profile_is_404(self, api_client, candidate, rep):
        signed_in(api_client, rep)
        url = f"/api/v1/users/{candidate.pk}/talent-profile"
        assert api_client.get(url).status_code == 404
        assert api_client.put(url, {"visible": False}, format="json").status_code == 404


@pytest.mark.postgres  # racing requests need PostgreSQL row locks
@pytest.mark.django_db(transaction=True)
class TestRaces:
    def test_racing_interests_of_one_rep_make_one_and_racing_answers_one_wins(
        self, rep, candidate
    ):
        import threading

        from django.db import connections
        from rest_framework.test import APIClient

        threads_count = 4
        barrier = threading.Barrier(threads_count)
        codes: list[int] = []
        lock = threading.Lock()

        def run(user, method, url, body=None):
            try:
                client = APIClient()
                signed_in(client, user)
                barrier.wait(timeout=10)
                response = getattr(client, method)(url, body, format="json")
                with lock:
                    codes.append(response.status_code)
            finally:
                connections.close_all()

        def race(user, method, url, body=None):
            codes.clear()
            threads = [
                threading.Thread(target=run, args=(user, method, url, body))
                for _ in range(threads_count)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            return sorted(codes)

        url = f"{CANDIDATES}/{candidate.talent.pk}/interest"
        assert race(rep, "post", url, {"message": "Hi"}) == [201] + [409] * 3
        interest = Interest.objects.get()
        answers = race(
            candidate, "post", f"/api/v1/talent/interests/{interest.pk}/accept"
        )
        assert answers == [200] + [409] * 3
        assert AuditLog.objects.filter(action="talent.interest_accepted").count() == 1
