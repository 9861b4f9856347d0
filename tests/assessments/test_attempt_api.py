"""Start, submit and results: grading, limits, deadlines, secrets, completion."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus
from content.models import ModulePage
from learning.models import Enrollment, EnrollmentStatus, ModuleProgress
from learning.services import enrollment_cancel, enrollment_create
from portal.accounts.models import Role
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS, RIGHT

pytestmark = pytest.mark.django_db


def start(client, assessment):
    return client.post(f"/api/v1/assessments/{assessment.pk}/start")


def submit(client, assessment, answers):
    return client.post(
        f"/api/v1/assessments/{assessment.pk}/submit",
        {"answers": answers},
        format="json",
    )


def code(response) -> str:
    return response.json()["errors"][0]["code"]


def secrets_of(assessment) -> list[str]:
    """Strings that must never appear in a learner's response."""
    found = [FLAG, assessment.flag_salt, "Wireshark", "tcpdump", "tolerance"]
    found += [q["flag_hash"] for q in assessment.questions if q["type"] == "flag"]
    return found


def assert_no_secrets(response, assessment):
    text = response.content.decode()
    for secret in secrets_of(assessment):
        assert secret not in text, secret
    body = json.loads(text)
    assert '"correct": 1' not in json.dumps(body["data"])  # no answer keys at all
    assert "flag_hash" not in text
    assert "answer_key" not in text


class TestGetAssessment:
    def test_learner_sees_questions_without_answers(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment()
        response = learner_client.get(f"/api/v1/assessments/{assessment.pk}")
        assert response.status_code == 200
        data = response.json()["data"]
        assert [q["id"] for q in data["questions"]] == [q["id"] for q in QUESTIONS]
        assert all("correct" not in q for q in data["questions"])
        assert data["attempts_used"] == 0
        assert data["attempts_left"] == 3
        assert_no_secrets(response, assessment)

    def test_not_enrolled_is_403_on_a_live_course(
        self, api_client, make_assessment, student
    ):
        assessment = make_assessment()
        signed_in(api_client, student)
        response = api_client.get(f"/api/v1/assessments/{assessment.pk}")
        assert response.status_code == 403

    def test_cancelled_enrollment_loses_access(
        self, learner_client, learner, course, make_assessment
    ):
        assessment = make_assessment()
        enrollment_cancel(
            enrollment=Enrollment.objects.get(user=learner, course=course),
            actor=learner,
        )
        assert start(learner_client, assessment).status_code == 403

    def test_draft_course_assessment_is_404_for_others(
        self, api_client, make_course, instructor, student
    ):
        from assessments.services import assessment_create

        draft = make_course(title="Draft course", publish=False)
        assessment = assessment_create(
            actor=instructor,
            course_id=draft.pk,
            title="Draft quiz",
            assessment_type="quiz",
            questions=QUESTIONS,
            passing_score=50,
        )
        signed_in(api_client, student)
        response = api_client.get(f"/api/v1/assessments/{assessment.pk}")
        assert response.status_code == 404

    def test_unknown_is_404(self, learner_client):
        assert learner_client.get("/api/v1/assessments/999999").status_code == 404

    def test_owner_and_admin_see_it(
        self, api_client, make_assessment, instructor, admin_user
    ):
        assessment = make_assessment()
        for user in (instructor, admin_user):
            signed_in(api_client, user)
            response = api_client.get(f"/api/v1/assessments/{assessment.pk}/")
            assert response.status_code == 200

    def test_query_count(
        self, learner_client, make_assessment, django_assert_max_num_queries
    ):
        assessment = make_assessment()
        with django_assert_max_num_queries(8):
            response = learner_client.get(f"/api/v1/assessments/{assessment.pk}")
        assert response.status_code == 200


class TestStartAndSubmit:
    def test_full_marks_flow(self, learner_client, make_assessment):
        assessment = make_assessment(show_answers_after_submit=True)
        started = start(learner_client, assessment)
        assert started.status_code == 201
        data = started.json()["data"]
        assert data["attempt_number"] == 1
        assert data["deadline"] is None
        assert_no_secrets(started, assessment)

        response = submit(learner_client, assessment, {**RIGHT, "q6": FLAG})
        assert response.status_code == 201, response.content
        result = response.json()["data"]
        assert result["score"] == 100.0
        assert result["passed"] is True
        assert result["attempt_number"] == 1
        feedback = {f["question_id"]: f for f in result["feedback"]}
        assert all(f["correct"] is True for f in feedback.values())
        # Review shows the answer for ordinary questions, never the flag.
        assert feedback["q1"]["correct_answer"] == 1
        assert "correct_answer" not in feedback["q6"]
        text = response.content.decode()
        assert FLAG not in text
        assert assessment.flag_salt not in text

    def test_wrong_answers_and_no_review(self, learner_client, make_assessment):
        assessment = make_assessment()
        answers = {"q1": 0, "q2": [1], "q3": True, "q4": "nmap", "q5": 32.51}
        answers["q6"] = "FLAG{guess}"
        response = submit(learner_client, assessment, answers)
        assert response.status_code == 201
        result = response.json()["data"]
        assert result["score"] == 0.0
        assert result["passed"] is False
        assert all(f["correct"] is False for f in result["feedback"])
        assert all("correct_answer" not in f for f in result["feedback"])
        assert_no_secrets(response, assessment)

    def test_partial_score_by_points(self, learner_client, make_assessment):
        assessment = make_assessment()
        # q2 is worth 2 of 7 points.
        response = submit(learner_client, assessment, {"q2": [1, 3]})
        assert response.json()["data"]["score"] == pytest.approx(28.57)

    def test_start_twice_resumes_the_open_attempt(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment()
        first = start(learner_client, assessment).json()["data"]
        again = start(learner_client, assessment)
        assert again.status_code == 200
        assert again.json()["data"]["id"] == first["id"]
        assert Attempt.objects.count() == 1

    def test_unserved_question_rejected(self, learner_client, make_assessment):
        assessment = make_assessment()
        start(learner_client, assessment)
        response = submit(learner_client, assessment, {"q1": 1, "q99": 0})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "answers.q99"
        assert "q99" in response.json()["errors"][0]["message"]
        attempt = Attempt.objects.get()
        assert attempt.status == AttemptStatus.IN_PROGRESS

    @pytest.mark.parametrize(
        "answers",
        [{"q1": "1"}, {"q2": 1}, {"q3": "false"}, {"q5": "32"}, ["q1"], "x"],
    )
    def test_wrong_answer_types_are_400(self, learner_client, make_assessment, answers):
        assessment = make_assessment()
        response = submit(learner_client, assessment, answers)
        assert response.status_code == 400
        assert code(response) == "VALIDATION_ERROR"
        assert not Attempt.objects.exists()

    def test_pool_draws_per_attempt_and_grades_what_was_served(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment(
            questions=[
                {"id": f"t{i}", "type": "true_false", "prompt": "?", "correct": True}
                for i in range(10)
            ],
            pool_size=3,
            shuffle_questions=True,
            max_attempts=5,
        )
        served = start(learner_client, assessment).json()["data"]["questions"]
        assert len(served) == 3
        ids = [q["id"] for q in served]
        unserved = next(f"t{i}" for i in range(10) if f"t{i}" not in ids)
        rejected = submit(learner_client, assessment, {unserved: True})
        assert rejected.status_code == 400
        response = submit(learner_client, assessment, dict.fromkeys(ids, True))
        assert response.json()["data"]["score"] == 100.0
        assert [f["question_id"] for f in response.json()["data"]["feedback"]] == ids

    def test_pool_needs_an_explicit_start(self, learner_client, make_assessment):
        assessment = make_assessment(pool_size=2)
        response = submit(learner_client, assessment, {})
        assert response.status_code == 409
        assert code(response) == "CONFLICT"

    def test_essay_leaves_attempt_pending(self, learner_client, make_assessment):
        assessment = make_assessment(
            questions=[
                QUESTIONS[0],
                {"id": "e1", "type": "essay", "prompt": "Explain XSS."},
            ]
        )
        response = submit(learner_client, assessment, {"q1": 1, "e1": "Script..."})
        result = response.json()["data"]
        assert result["status"] == "pending_review"
        assert result["passed"] is None
        feedback = {f["question_id"]: f for f in result["feedback"]}
        assert feedback["e1"]["outcome"] == "pending"
        assert feedback["e1"]["correct"] is None


class TestLimitsAndWindows:
    def test_max_attempts(self, learner_client, make_assessment):
        assessment = make_assessment(max_attempts=2)
        for number in (1, 2):
            response = submit(learner_client, assessment, {"q1": 0})
            assert response.json()["data"]["attempt_number"] == number
        again = start(learner_client, assessment)
        assert again.status_code == 409
        assert code(again) == "MAX_ATTEMPTS_REACHED"
        assert code(submit(learner_client, assessment, {})) == "MAX_ATTEMPTS_REACHED"
        detail = learner_client.get(f"/api/v1/assessments/{assessment.pk}")
        assert detail.json()["data"]["attempts_left"] == 0

    def test_window(self, learner_client, make_assessment):
        now = timezone.now()
        later = make_assessment(opens_at=now + timedelta(days=1))
        assert code(start(learner_client, later)) == "ASSESSMENT_NOT_OPEN"
        closed = make_assessment(
            opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1)
        )
        assert code(start(learner_client, closed)) == "ASSESSMENT_CLOSED"

    def test_time_limit_sets_deadline(self, learner_client, make_assessment):
        assessment = make_assessment(time_limit=30)
        data = start(learner_client, assessment).json()["data"]
        attempt = Attempt.objects.get(pk=data["id"])
        assert attempt.deadline - attempt.started_at == timedelta(minutes=30)

    def test_late_submission_is_stored_not_passing(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment(time_limit=10)
        start(learner_client, assessment)
        past = timezone.now() - timedelta(minutes=20)
        Attempt.objects.update(started_at=past, deadline=past + timedelta(minutes=10))
        response = submit(learner_client, assessment, {**RIGHT, "q6": FLAG})
        assert response.status_code == 409
        assert code(response) == "DEADLINE_PASSED"
        attempt = Attempt.objects.get()
        assert attempt.late is True
        assert attempt.passed is False
        assert attempt.status == AttemptStatus.GRADED
        assert attempt.answers["q1"] == 1
        assert attempt.score == 100
        results = learner_client.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert results.json()["data"][0]["late"] is True

    def test_expired_open_attempt_is_closed_on_next_start(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment(time_limit=10, max_attempts=2)
        start(learner_client, assessment)
        past = timezone.now() - timedelta(minutes=20)
        Attempt.objects.update(started_at=past, deadline=past + timedelta(minutes=10))
        response = start(learner_client, assessment)
        assert response.status_code == 201
        assert response.json()["data"]["attempt_number"] == 2
        first = Attempt.objects.get(attempt_number=1)
        assert first.late
        assert first.passed is False

    def test_expired_last_attempt_is_closed_and_limit_reported(
        self, learner_client, make_assessment
    ):
        assessment = make_assessment(time_limit=10, max_attempts=1)
        start(learner_client, assessment)
        past = timezone.now() - timedelta(minutes=20)
        Attempt.objects.update(started_at=past, deadline=past + timedelta(minutes=10))
        response = start(learner_client, assessment)
        assert code(response) == "MAX_ATTEMPTS_REACHED"
        attempt = Attempt.objects.get()
        assert attempt.status == AttemptStatus.GRADED
        assert attempt.late
        assert attempt.submitted_at is None  # closed by the clock, not submitted

    def test_missing_or_malformed_answers(self, learner_client, make_assessment):
        assessment = make_assessment()
        url = f"/api/v1/assessments/{assessment.pk}/submit"
        assert learner_client.post(url, {}, format="json").status_code == 400
        response = submit(learner_client, assessment, {"q5": 10**400})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "answers.q5"


class TestCompletion:
    def test_required_pass_completes_module_and_course(
        self, make_course, instructor, api_client
    ):
        from assessments.services import assessment_create
        from learning.services import module_progress_record

        course = make_course(modules=(("Intro", True), ("Final lab", True)))
        intro, final = ModulePage.objects.child_of(course).live()
        assessment = assessment_create(
            actor=instructor,
            course_id=course.pk,
            title="Final",
            assessment_type="lab",
            questions=QUESTIONS,
            passing_score=80,
            max_attempts=2,
            module_id=final.pk,
            required_for_completion=True,
        )
        learner = UserFactory()
        enrollment_create(actor=learner, course_id=course.pk)
        module_progress_record(
            actor=learner, course_id=course.pk, module_id=intro.pk, completed=True
        )
        signed_in(api_client, learner)
        url = f"/api/v1/courses/{course.pk}/modules/{final.pk}/progress"
        refused = api_client.post(url, {"completed": True}, format="json")
        assert refused.status_code == 409

        failed = submit(api_client, assessment, {"q1": 1})
        assert failed.json()["data"]["passed"] is False
        assert not ModuleProgress.objects.filter(
            user=learner, module=final, completed_at__isnull=False
        ).exists()

        passed = submit(api_client, assessment, {**RIGHT, "q6": FLAG})
        assert passed.json()["data"]["passed"] is True
        assert ModuleProgress.objects.get(user=learner, module=final).completed_at
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert api_client.post(url, {"completed": True}, format="json").status_code == (
            200
        )


class TestResults:
    def test_learner_sees_only_own_results(
        self, learner_client, course, make_assessment, api_client
    ):
        from rest_framework.test import APIClient

        assessment = make_assessment()
        submit(learner_client, assessment, RIGHT)
        attempt = Attempt.objects.get()

        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        other_client = APIClient()
        signed_in(other_client, other)
        results = other_client.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert results.status_code == 200
        assert results.json()["data"] == []
        assert other_client.get(f"/api/v1/attempts/{attempt.pk}").status_code == 404

        own = learner_client.get(f"/api/v1/attempts/{attempt.pk}")
        assert own.status_code == 200
        assert_no_secrets(own, assessment)

    def test_owner_sees_all_results(
        self, learner_client, course, make_assessment, instructor, api_client
    ):
        from rest_framework.test import APIClient

        assessment = make_assessment()
        submit(learner_client, assessment, RIGHT)
        for _ in range(2):
            user = UserFactory()
            enrollment_create(actor=user, course_id=course.pk)
            client = APIClient()
            signed_in(client, user)
            submit(client, assessment, {"q1": 0})
        owner = APIClient()
        signed_in(owner, instructor)
        response = owner.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert response.status_code == 200
        body = response.json()
        assert len(body["data"]) == 3
        assert body["meta"]["pagination"]["total"] == 3

    def test_results_query_count(
        self,
        course,
        make_assessment,
        instructor,
        api_client,
        django_assert_max_num_queries,
    ):
        assessment = make_assessment()
        for _ in range(4):
            user = UserFactory()
            enrollment_create(actor=user, course_id=course.pk)
            from assessments.services import attempt_submit

            attempt_submit(actor=user, assessment_id=assessment.pk, answers=RIGHT)
        signed_in(api_client, instructor)
        with django_assert_max_num_queries(9):
            response = api_client.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert len(response.json()["data"]) == 4

    def test_stranger_gets_403_for_results(self, api_client, make_assessment):
        assessment = make_assessment()
        signed_in(api_client, UserFactory(role=Role.STUDENT))
        response = api_client.get(f"/api/v1/assessments/{assessment.pk}/results")
        assert response.status_code == 403
