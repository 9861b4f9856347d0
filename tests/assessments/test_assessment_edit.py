"""Editing (PUT/PATCH), retiring (DELETE) and listing assessments through the API,
and the new authoring fields (proctored, lab_instructions, window)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Assessment, Attempt
from assessments.services import attempt_submit
from content.models import ModulePage
from learning.services import enrollment_create
from portal.accounts.models import Role
from portal.accounts.services import user_role_privileges_sync
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS, RIGHT
from .test_attempt_api import assert_no_secrets, start, submit

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    signed_in(client, user)
    return client


def detail_url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}"


def first_error(response) -> dict:
    return response.json()["errors"][0]


@pytest.fixture
def owner(instructor):
    return client_for(instructor)


@pytest.fixture
def other_instructor(db):
    user = UserFactory(role=Role.INSTRUCTOR)
    user_role_privileges_sync(user=user)
    return user


def window(days=1):
    now = timezone.now()
    return {
        "opens_at": (now - timedelta(days=days)).isoformat(),
        "closes_at": (now + timedelta(days=days)).isoformat(),
    }


class TestUpdate:
    def test_partial_update_keeps_other_fields(self, owner, make_assessment):
        assessment = make_assessment(time_limit=20)
        response = owner.put(
            detail_url(assessment),
            {"title": "  Renamed  ", "passing_score": "55.5"},
            format="json",
        )
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["title"] == "Renamed"
        assert data["passing_score"] == 55.5
        assert data["time_limit"] == 20
        assessment.refresh_from_db()
        assert assessment.title == "Renamed"
        assert assessment.max_attempts == 3
        assert len(assessment.questions) == len(QUESTIONS)
        # The stored flag survived the round trip of the unchanged questions.
        learner = client_for_learner(assessment)
        start(learner, assessment)
        response = submit(learner, assessment, {"q6": FLAG})
        assert {f["question_id"]: f for f in response.json()["data"]["feedback"]}["q6"][
            "correct"
        ] is True

    def test_patch_is_a_synonym_and_trailing_slash(self, owner, make_assessment):
        assessment = make_assessment()
        response = owner.patch(
            detail_url(assessment) + "/", {"max_attempts": 5}, format="json"
        )
        assert response.status_code == 200
        assessment.refresh_from_db()
        assert assessment.max_attempts == 5
        entry = AuditLog.objects.filter(action="assessment.updated").last()
        assert entry.resource_id == str(assessment.pk)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": None}, "title"),
            ({"passing_score": 101}, "passing_score"),
            ({"assessment_type": "survey"}, "assessment_type"),
            ({"max_attempts": 0}, "max_attempts"),
            ({"pool_size": 7}, "pool_size"),
            ({"module_id": 999999}, "module_id"),
            ({"required_for_completion": True}, "module_id"),
            ({"questions": []}, "questions"),
            ({"questions": [{"id": "x", "type": "single_choice"}]}, "questions[0]"),
            ({"lab_instructions": "x" * 10001}, "lab_instructions"),
            ({"proctored": True}, "proctored"),
        ],
    )
    def test_validation_like_create(self, owner, make_assessment, body, field):
        assessment = make_assessment()
        response = owner.put(detail_url(assessment), body, format="json")
        assert response.status_code == 400, response.content
        assert first_error(response)["field"].startswith(field)
        assessment.refresh_from_db()
        assert assessment.title == "Network basics quiz"

    def test_window_order_checked_against_stored_values(self, owner, make_assessment):
        now = timezone.now()
        assessment = make_assessment(
            opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2)
        )
        response = owner.put(
            detail_url(assessment),
            {"closes_at": now.isoformat()},
            format="json",
        )
        assert response.status_code == 400
        assert first_error(response)["field"] == "closes_at"

    def test_access(
        self, make_assessment, other_instructor, learner_client, admin_user
    ):
        assessment = make_assessment()
        body = {"title": "Hijacked"}
        assert (
            client_for(other_instructor)
            .put(detail_url(assessment), body, format="json")
            .status_code
            == 403
        )
        assert (
            learner_client.put(detail_url(assessment), body, format="json").status_code
            == 403
        )
        assert (
            client_for(UserFactory())
            .patch(detail_url(assessment), body, format="json")
            .status_code
            == 403
        )
        assert APIClient().put(detail_url(assessment), body).status_code == 401
        assessment.refresh_from_db()
        assert assessment.title == "Network basics quiz"
        response = client_for(admin_user).put(
            detail_url(assessment), {"title": "By admin"}, format="json"
        )
        assert response.status_code == 200

    def test_draft_course_is_404_to_others(
        self, make_course, instructor, other_instructor
    ):
        from assessments.services import assessment_create

        draft = make_course(title="Draft", publish=False)
        assessment = assessment_create(
            actor=instructor,
            course_id=draft.pk,
            title="Draft quiz",
            assessment_type="quiz",
            questions=QUESTIONS,
            passing_score=50,
        )
        response = client_for(other_instructor).put(
            detail_url(assessment), {"title": "x"}, format="json"
        )
        assert response.status_code == 404
        assert client_for(other_instructor).delete(
            detail_url(assessment)
        ).status_code == (404)
        assert (
            client_for(instructor)
            .put(detail_url(assessment), {"title": "Mine"}, format="json")
            .status_code
            == 200
        )

    def test_question_edits_never_alter_existing_attempts(
        self, owner, make_assessment, learner_client
    ):
        assessment = make_assessment(show_answers_after_submit=True)
        start(learner_client, assessment)
        in_progress = Attempt.objects.get()
        snapshot = (in_progress.questions, in_progress.answer_key)
        new_questions = [
            {**QUESTIONS[0], "correct": 0, "prompt": "Changed?"},
            {"id": "n1", "type": "true_false", "prompt": "New", "correct": True},
        ]
        response = owner.put(
            detail_url(assessment), {"questions": new_questions}, format="json"
        )
        assert response.status_code == 200, response.content
        in_progress.refresh_from_db()
        assert (in_progress.questions, in_progress.answer_key) == snapshot
        # Graded against what was served: q1 = 1 is still right, q6 still a flag.
        result = submit(learner_client, assessment, {**RIGHT, "q6": FLAG})
        assert result.status_code == 201
        assert result.json()["data"]["score"] == 100.0
        # A new attempt gets the new questions.
        assessment.refresh_from_db()
        assert [q["id"] for q in assessment.questions] == ["q1", "n1"]
        detail = learner_client.get(detail_url(assessment)).json()["data"]
        assert [q["prompt"] for q in detail["questions"]] == ["Changed?", "New"]

    def test_flag_without_correct_keeps_its_stored_hash(
        self, owner, make_assessment, learner_client
    ):
        assessment = make_assessment(max_attempts=5)
        stored_hash = assessment.questions[5]["flag_hash"]
        questions = [
            {"id": "q6", "type": "flag", "prompt": "The flag, again.", "points": 2}
        ]
        response = owner.put(
            detail_url(assessment), {"questions": questions}, format="json"
        )
        assert response.status_code == 200, response.content
        assessment.refresh_from_db()
        assert assessment.questions[0]["flag_hash"] == stored_hash
        assert assessment.questions[0]["prompt"] == "The flag, again."
        result = submit(learner_client, assessment, {"q6": FLAG}).json()["data"]
        assert result["score"] == 100.0

        # A new flag question (or an id that was not a flag) still needs its flag.
        response = owner.put(
            detail_url(assessment),
            {"questions": [{"id": "q1", "type": "flag", "prompt": "New flag"}]},
            format="json",
        )
        assert response.status_code == 400
        assert first_error(response)["field"] == "questions[0].correct"
        # And a new flag replaces the old one.
        questions[0]["correct"] = "FLAG{new}"
        owner.put(detail_url(assessment), {"questions": questions}, format="json")
        assessment.refresh_from_db()
        assert assessment.questions[0]["flag_hash"] != stored_hash

    def test_manager_sees_answers_but_never_flag_hashes(
        self, owner, make_assessment, learner_client
    ):
        assessment = make_assessment()
        data = owner.get(detail_url(assessment)).json()["data"]
        by_id = {q["id"]: q for q in data["questions"]}
        assert by_id["q1"]["correct"] == 1
        assert by_id["q5"]["tolerance"] == 0.5
        assert "correct" not in by_id["q6"]
        text = owner.get(detail_url(assessment)).content.decode()
        assert assessment.questions[5]["flag_hash"] not in text
        assert FLAG not in text
        assert_no_secrets(learner_client.get(detail_url(assessment)), assessment)


def client_for_learner(assessment):
    user = UserFactory()
    enrollment_create(actor=user, course_id=assessment.course_id)
    return client_for(user)


class TestFields:
    def test_proctored_exam_needs_a_window(self, owner, course):
        url = f"/api/v1/courses/{course.pk}/assessments"
        body = {
            "title": "Final exam",
            "assessment_type": "exam",
            "questions": QUESTIONS,
            "passing_score": 70,
            "proctored": True,
        }
        response = owner.post(url, body, format="json")
        assert response.status_code == 400
        assert first_error(response)["field"] == "opens_at"
        response = owner.post(
            url, {**body, "opens_at": window()["opens_at"]}, format="json"
        )
        assert first_error(response)["field"] == "closes_at"
        response = owner.post(url, {**body, **window()}, format="json")
        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert data["proctored"] is True
        assert data["opens_at"]
        assert data["closes_at"]
        assessment = Assessment.objects.get(pk=data["id"])
        # Once proctored, the type cannot change away from exam nor lose its window.
        response = owner.put(
            detail_url(assessment), {"assessment_type": "quiz"}, format="json"
        )
        assert first_error(response)["field"] == "proctored"
        response = owner.put(detail_url(assessment), {"opens_at": None}, format="json")
        assert first_error(response)["field"] == "opens_at"
        response = owner.put(
            detail_url(assessment),
            {"assessment_type": "quiz", "proctored": False},
            format="json",
        )
        assert response.status_code == 200

    def test_proctored_only_for_exams(self, owner, course):
        response = owner.post(
            f"/api/v1/courses/{course.pk}/assessments",
            {
                "title": "Quiz",
                "assessment_type": "quiz",
                "questions": QUESTIONS,
                "passing_score": 70,
                "proctored": True,
                **window(),
            },
            format="json",
        )
        assert response.status_code == 400
        assert first_error(response)["field"] == "proctored"
        response = owner.post(
            f"/api/v1/courses/{course.pk}/assessments",
            {
                "title": "Quiz",
                "assessment_type": "quiz",
                "questions": QUESTIONS,
                "passing_score": 70,
                "proctored": "maybe",
            },
            format="json",
        )
        assert first_error(response)["field"] == "proctored"

    def test_lab_instructions_plain_text_shown_to_learners(
        self, owner, course, learner_client
    ):
        response = owner.post(
            f"/api/v1/courses/{course.pk}/assessments",
            {
                "title": "Lab",
                "assessment_type": "lab",
                "questions": QUESTIONS,
                "passing_score": 70,
                "lab_instructions": "ssh lab@10.0.0.5\r\n<script>alert(1)</script>"
                "<b>Port</b> 2222\x07",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assessment_id = response.json()["data"]["id"]
        stored = Assessment.objects.get(pk=assessment_id).lab_instructions
        assert stored == "ssh lab@10.0.0.5\nalert(1)Port 2222"
        detail = learner_client.get(f"/api/v1/assessments/{assessment_id}")
        assert detail.json()["data"]["lab_instructions"] == stored
        assert detail.json()["data"]["proctored"] is False

    def test_lab_instructions_length(self, owner, make_assessment):
        assessment = make_assessment()
        ok = owner.put(
            detail_url(assessment), {"lab_instructions": "x" * 10000}, format="json"
        )
        assert ok.status_code == 200
        bad = owner.put(
            detail_url(assessment), {"lab_instructions": ["x"]}, format="json"
        )
        assert bad.status_code == 400
        assert first_error(bad)["field"] == "lab_instructions"


class TestArchive:
    def test_delete_retires_and_keeps_attempts(
        self, owner, make_assessment, learner_client, learner
    ):
        assessment = make_assessment()
        submitted = submit(learner_client, assessment, RIGHT).json()["data"]
        response = owner.delete(detail_url(assessment))
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["archived"] is True
        assert data["archived_at"]
        assessment.refresh_from_db()
        assert assessment.archived_at is not None
        assert Attempt.objects.filter(pk=submitted["id"]).exists()
        # Idempotent: the first date stays.
        first = assessment.archived_at
        assert owner.delete(detail_url(assessment) + "/").status_code == 200
        assessment.refresh_from_db()
        assert assessment.archived_at == first
        assert (
            AuditLog.objects.filter(
                resource_id=str(assessment.pk), action__contains="retire"
            ).count()
            + AuditLog.objects.filter(
                resource_id=str(assessment.pk), action__contains="archive"
            ).count()
            == 1
        )

        # Learners: 404 on detail, start, submit; their own results stay visible.
        assert learner_client.get(detail_url(assessment)).status_code == 404
        assert start(learner_client, assessment).status_code == 404
        assert submit(learner_client, assessment, RIGHT).status_code == 404
        results = learner_client.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert results.status_code == 200
        assert [r["id"] for r in results.json()["data"]] == [submitted["id"]]
        assert (
            learner_client.get(f"/api/v1/attempts/{submitted['id']}").status_code == 200
        )
        # The owner still sees it.
        assert owner.get(detail_url(assessment)).json()["data"]["archived"] is True

    def test_archive_access(
        self, make_assessment, other_instructor, learner_client, admin_user
    ):
        assessment = make_assessment()
        assert client_for(other_instructor).delete(
            detail_url(assessment)
        ).status_code == (403)
        assert learner_client.delete(detail_url(assessment)).status_code == 403
        assessment.refresh_from_db()
        assert assessment.archived_at is None
        assert client_for(admin_user).delete(detail_url(assessment)).status_code == 200

    def test_retired_required_assessment_no_longer_guards(
        self, make_course, instructor, owner
    ):
        from assessments.services import assessment_create

        course = make_course(modules=(("Final lab", True),))
        (final,) = ModulePage.objects.child_of(course).live()
        assessment = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Final",
            assessment_type="lab",
            questions=QUESTIONS,
            passing_score=80,
            module_id=final.pk,
            required_for_completion=True,
        )
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        client = client_for(learner)
        url = f"/api/v1/courses/{course.pk}/modules/{final.pk}/progress"
        refused = client.post(url, {"completed": True}, format="json")
        assert refused.status_code == 409
        owner.delete(detail_url(assessment))
        assert client.post(url, {"completed": True}, format="json").status_code == 200


class TestList:
    def url(self, course) -> str:
        return f"/api/v1/courses/{course.pk}/assessments"

    def test_learner_sees_live_ones_with_own_attempts(
        self, make_assessment, learner_client, learner, course, owner
    ):
        first = make_assessment(title="First")
        second = make_assessment(title="Second", max_attempts=1)
        retired = make_assessment(title="Retired")
        attempt_submit(actor=learner, assessment_id=second.pk, answers={"q1": 1})
        owner.delete(detail_url(retired))
        response = learner_client.get(self.url(course))
        assert response.status_code == 200
        body = response.json()
        assert [row["id"] for row in body["data"]] == [first.pk, second.pk]
        assert body["meta"]["pagination"]["total"] == 2
        rows = {row["id"]: row for row in body["data"]}
        assert rows[second.pk]["attempts_used"] == 1
        assert rows[second.pk]["attempts_left"] == 0
        assert rows[first.pk]["attempts_left"] == 3
        assert rows[first.pk]["question_count"] == len(QUESTIONS)
        assert all(row["archived"] is False for row in body["data"])
        assert "questions" not in rows[first.pk]
        assert "correct" not in response.content.decode()

    def test_manager_sees_all_with_archived(self, make_assessment, owner, course):
        live = make_assessment(title="Live")
        retired = make_assessment(title="Retired")
        owner.delete(detail_url(retired))
        response = owner.get(self.url(course) + "/?per_page=1&page=2")
        body = response.json()
        assert body["meta"]["pagination"]["total"] == 2
        assert [row["id"] for row in body["data"]] == [retired.pk]
        assert body["data"][0]["archived"] is True
        first = owner.get(self.url(course)).json()["data"][0]
        assert first["id"] == live.pk
        assert first["archived"] is False

    def test_access(self, make_assessment, course, other_instructor, make_course):
        make_assessment()
        assert client_for(UserFactory()).get(self.url(course)).status_code == 403
        assert client_for(other_instructor).get(self.url(course)).status_code == 403
        assert APIClient().get(self.url(course)).status_code == 401
        assert (
            client_for(UserFactory())
            .get("/api/v1/courses/999999/assessments")
            .status_code
            == 404
        )
        draft = make_course(title="Draft", publish=False)
        assert client_for(UserFactory()).get(self.url(draft)).status_code == 404

    def test_query_count_does_not_grow(
        self, make_assessment, learner_client, learner, course
    ):
        assessment = make_assessment()
        attempt_submit(actor=learner, assessment_id=assessment.pk, answers={"q1": 1})
        with CaptureQueriesContext(connection) as one:
            assert learner_client.get(self.url(course)).status_code == 200
        for i in range(5):
            other = make_assessment(title=f"Quiz {i}")
            attempt_submit(actor=learner, assessment_id=other.pk, answers={"q1": 0})
        with CaptureQueriesContext(connection) as many:
            response = learner_client.get(self.url(course))
        assert len(response.json()["data"]) == 6
        assert len(many.captured_queries) <= len(one.captured_queries)
