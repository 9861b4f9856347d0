"""Coverage arithmetic on a hand-made small framework, the gap report, and who may
read a learner's competencies."""

import pytest

from learning.skills import selectors
from learning.skills.cache import FRAMEWORK_CACHE
from learning.skills.selectors import coverage_compute
from portal.accounts.models import Role
from portal.accounts.services import user_view_grant
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestArithmetic:
    def test_demonstrated_over_role_statements_per_kind(self):
        role = {"T1": "task", "T2": "task", "K1": "knowledge", "S1": "skill"}
        covered, total, by_kind, ids = coverage_compute(
            role_statements=role, demonstrated={"T1", "S1", "K9"}
        )
        assert (covered, total) == (2, 4)
        assert ids == {"T1", "S1"}
        assert (by_kind["task"].covered, by_kind["task"].total) == (1, 2)
        assert by_kind["task"].coverage == 0.5
        assert by_kind["knowledge"].coverage == 0.0
        assert by_kind["skill"].coverage == 1.0

    def test_an_empty_role_is_zero_not_an_error(self):
        covered, total, by_kind, _ids = coverage_compute(
            role_statements={}, demonstrated={"T1"}
        )
        assert (covered, total) == (0, 0)
        assert all(k.coverage == 0.0 for k in by_kind.values())


class TestCoverage:
    def test_passed_question_and_captured_flag_count_failed_attempts_do_not(
        self, learner_with_evidence
    ):
        results = selectors.user_competencies(user=learner_with_evidence)
        by_role = {r.work_role.nice_id: r for r in results}
        role_a = by_role["PD-WRL-901"]
        # T9001 (q1) and K9001 (q2) in the passed attempt, S9001 by the flag;
        # K9002 was only right in the failed attempt.
        assert role_a.demonstrated == {"T9001", "K9001", "S9001"}
        assert (role_a.covered, role_a.total, role_a.coverage) == (3, 4, 0.75)
        assert role_a.by_kind["task"].coverage == 0.5
        assert role_a.by_kind["knowledge"].coverage == 1.0
        assert role_a.by_kind["skill"].coverage == 1.0
        assert role_a.missing["task"] == ["T9002"]
        # Role B has nothing demonstrated: listed only when asked for.
        assert "PD-WRL-902" not in by_role
        everything = selectors.user_competencies(
            user=learner_with_evidence, include_empty=True
        )
        role_b = next(r for r in everything if r.work_role.nice_id == "PD-WRL-902")
        assert (role_b.covered, role_b.total, role_b.coverage) == (0, 2, 0.0)

    def test_evidence_names_its_source(self, learner_with_evidence):
        [role_a] = selectors.user_competencies(
            user=learner_with_evidence, work_role="PD-WRL-901"
        )
        sources = {(row["statement"], row["source"]) for row in role_a.evidence}
        assert sources == {
            ("T9001", "question"),
            ("K9001", "question"),
            ("S9001", "flag"),
        }

    def test_gap_report_suggests_the_course_that_covers_the_missing_task(
        self, learner_with_evidence, gap_course
    ):
        [role_a] = selectors.gap_report_fill(
            results=selectors.user_competencies(
                user=learner_with_evidence, work_role="PD-WRL-901"
            )
        )
        assert [s.nice_id for s in role_a.missing_tasks] == ["T9002"]
        assert role_a.suggested_courses[0]["id"] == gap_course.pk
        assert role_a.suggested_courses[0]["covers"] == 1

    def test_no_attempt_no_coverage(self, tagged_course):
        assert selectors.user_competencies(user=UserFactory()) == []


class TestCompetenciesAPI:
    def url(self, user_id="me", query=""):
        return f"/api/v1/users/{user_id}/competencies{query}"

    def test_own_coverage_with_envelope_and_pagination(
        self, api_client, learner_with_evidence
    ):
        signed_in(api_client, learner_with_evidence)
        body = api_client.get(self.url()).json()
        assert body["meta"]["pagination"]["total"] == 1
        [row] = body["data"]
        assert row["work_role"]["id"] == "PD-WRL-901"
        assert row["coverage"] == 0.75
        assert row["by_kind"]["task"] == {"covered": 1, "total": 2, "coverage": 0.5}
        assert [t["id"] for t in row["missing_tasks"]] == ["T9002"]
        assert {e["source"] for e in row["evidence"]} == {"question", "flag"}
        assert api_client.get(self.url() + "/").status_code == 200

    def test_another_learner_gets_404_and_admin_and_the_org_rep_read_it(
        self, api_client, learner_with_evidence, admin_user
    ):
        other = UserFactory()
        signed_in(api_client, other)
        response = api_client.get(self.url(learner_with_evidence.pk))
        assert response.status_code == 404
        signed_in(api_client, admin_user)
        assert api_client.get(self.url(learner_with_evidence.pk)).status_code == 200
        rep = UserFactory(role=Role.CORPORATE_REP)
        user_view_grant(viewer=rep, user=learner_with_evidence)
        signed_in(api_client, rep)
        assert api_client.get(self.url(learner_with_evidence.pk)).status_code == 200

    def test_anonymous_is_401(self, api_client, learner_with_evidence):
        assert api_client.get(self.url(learner_with_evidence.pk)).status_code == 401

    def test_filters_and_bad_input(self, api_client, learner_with_evidence):
        signed_in(api_client, learner_with_evidence)
        body = api_client.get(self.url(query="?work_role=PD-WRL-902")).json()
        assert body["data"][0]["coverage"] == 0.0
        assert api_client.get(self.url(query="?work_role=XX")).status_code == 400
        assert (
            api_client.get(self.url(query="?work_role=PD-WRL-999")).status_code == 404
        )
        assert api_client.get(self.url(query="?include_empty=maybe")).status_code == 400
        body = api_client.get(self.url(query="?include_empty=true")).json()
        assert body["meta"]["pagination"]["total"] == 2

    def test_query_count_does_not_grow_with_evidence(
        self,
        api_client,
        learner_with_evidence,
        tagged_course,
        framework,
        instructor,
        django_assert_max_num_queries,
    ):
        from assessments.services import assessment_create, attempt_submit
        from assessments.skills.services import question_tag_set

        signed_in(api_client, learner_with_evidence)
        with django_assert_max_num_queries(40) as captured:
            api_client.get(self.url())
        few = len(captured.captured_queries)
        for index in range(4):
            quiz = assessment_create(
                actor=instructor,
                course_id=tagged_course["course"].pk,
                title=f"More {index}",
                assessment_type="quiz",
                questions=[
                    {"id": "q", "type": "true_false", "prompt": "?", "correct": True}
                ],
                passing_score=50,
                max_attempts=1,
            )
            question_tag_set(
                actor=instructor,
                assessment=quiz,
                question_id="q",
                statement=framework["K9002"],
            )
            attempt_submit(
                actor=learner_with_evidence, assessment_id=quiz.pk, answers={"q": True}
            )
        with django_assert_max_num_queries(few):
            body = api_client.get(self.url()).json()
        assert body["meta"]["pagination"]["total"] == 2


class TestWorkRolesAPI:
    def test_list_is_public_with_counts(self, api_client, framework):
        body = api_client.get("/api/v1/competencies/work-roles").json()
        assert body["meta"]["pagination"]["total"] == 2
        first = body["data"][0]
        assert first["id"] == "PD-WRL-901"
        assert first["statement_counts"] == {
            "task": 2,
            "knowledge": 1,
            "skill": 1,
            "total": 4,
        }
        assert first["framework_version"] == "9.9.9"
        assert api_client.get("/api/v1/competencies/work-roles/").status_code == 200
        assert (
            api_client.get("/api/v1/competencies/work-roles?category=ZZ").status_code
            == 400
        )

    def test_detail_lists_statements_unknown_is_404(self, api_client, framework):
        body = api_client.get("/api/v1/competencies/work-roles/PD-WRL-902").json()
        assert [s["id"] for s in body["data"]["statements"]] == ["K9002", "T9002"]
        assert (
            api_client.get("/api/v1/competencies/work-roles/PD-WRL-999/").status_code
            == 404
        )

    def test_list_query_count_is_constant(
        self, api_client, framework, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(10) as captured:
            api_client.get("/api/v1/competencies/work-roles")
        few = len(captured.captured_queries)
        from learning.skills.models import Category, FrameworkVersion, WorkRole

        version = FrameworkVersion.objects.get(current=True)
        category = Category.objects.get(framework=version)
        for index in range(5):
            WorkRole.objects.create(
                framework=version,
                category=category,
                nice_id=f"PD-WRL-8{index:02d}",
                title="x",
            )
        # The list is cached for everyone until a framework load retires it.
        with django_assert_max_num_queries(0):
            api_client.get("/api/v1/competencies/work-roles")
        FRAMEWORK_CACHE.bump()
        with django_assert_max_num_queries(few):
            body = api_client.get("/api/v1/competencies/work-roles").json()
        assert body["meta"]["pagination"]["total"] == 7


class TestPages:
    def test_my_skills_shows_the_chart_and_the_gap(
        self, client, learner_with_evidence, gap_course, home_page
    ):
        client.force_login(learner_with_evidence)
        response = client.get("/learn/skills/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<svg" in html
        assert "PD-WRL-901" in html
        assert "T9002" in html  # the missing task
        assert gap_course.title in html

    def test_my_skills_needs_a_sign_in(self, client, db):
        response = client.get("/learn/skills/")
        assert response.status_code == 302

    def test_course_page_shows_its_roles(
        self, client, tagged_course, home_page, framework
    ):
        from learning.skills.models import WorkRole
        from learning.skills.services import course_primary_role_set

        course = tagged_course["course"]
        course_primary_role_set(
            actor=None,
            course=course,
            work_role=WorkRole.objects.get(nice_id="PD-WRL-902"),
        )
        html = client.get(course.url).content.decode()
        assert "PD-WRL-902" in html  # the primary role, set by a person
        assert "PD-WRL-901" in html  # computed from the tags
