"""Autosave of answers in progress: PUT/PATCH /attempts/{id}/answers, and restoring
them from GET /attempts/{id} and a resumed start."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Attempt, AttemptStatus
from learning.services import enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS, RIGHT
from .test_attempt_api import assert_no_secrets, code, start, submit

pytestmark = pytest.mark.django_db


def save(client, attempt_id, answers, method="put"):
    return getattr(client, method)(
        f"/api/v1/attempts/{attempt_id}/answers", {"answers": answers}, format="json"
    )


@pytest.fixture
def started(learner_client, make_assessment):
    assessment = make_assessment(time_limit=30)
    attempt_id = start(learner_client, assessment).json()["data"]["id"]
    return assessment, attempt_id


class TestAutosave:
    def test_saves_and_replaces_answers(self, learner_client, started):
        assessment, attempt_id = started
        response = save(learner_client, attempt_id, {"q1": 0, "q4": "nmap"})
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["attempt_id"] == attempt_id
        assert data["answers"] == {"q1": 0, "q4": "nmap"}
        assert data["saved_at"]
        # The full set sent replaces the old one; PATCH is a synonym.
        response = save(learner_client, attempt_id, {"q1": 1}, method="patch")
        assert response.status_code == 200
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.answers == {"q1": 1}
        assert attempt.saved_at is not None
        assert attempt.status == AttemptStatus.IN_PROGRESS
        assert attempt.score is None
        assert_no_secrets(response, assessment)

    def test_trailing_slash(self, learner_client, started):
        _, attempt_id = started
        response = learner_client.put(
            f"/api/v1/attempts/{attempt_id}/answers/",
            {"answers": {"q3": True}},
            format="json",
        )
        assert response.status_code == 200

    def test_restored_from_attempt_detail_and_resumed_start(
        self, learner_client, started
    ):
        assessment, attempt_id = started
        save(learner_client, attempt_id, {"q2": [1, 3], "q6": "FLAG{maybe}"})
        detail = learner_client.get(f"/api/v1/attempts/{attempt_id}")
        assert detail.status_code == 200
        data = detail.json()["data"]
        assert data["status"] == "in_progress"
        assert data["answers"] == {"q2": [1, 3], "q6": "FLAG{maybe}"}
        assert data["deadline"] is not None
        assert [q["id"] for q in data["questions"]] == [q["id"] for q in QUESTIONS]
        assert data["feedback"] == []
        assert_no_secrets(detail, assessment)

        resumed = start(learner_client, assessment)
        assert resumed.status_code == 200
        assert resumed.json()["data"]["answers"] == {"q2": [1, 3], "q6": "FLAG{maybe}"}
        assert resumed.json()["data"]["saved_at"] is not None
        assert_no_secrets(resumed, assessment)

    def test_submit_grades_what_is_sent_after_autosave(self, learner_client, started):
        assessment, attempt_id = started
        save(learner_client, attempt_id, {"q1": 0})
        response = submit(learner_client, assessment, {**RIGHT, "q6": FLAG})
        assert response.json()["data"]["score"] == 100.0

    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            ({"q99": 1}, "answers.q99"),
            ({"q1": "1"}, "answers.q1"),
            ({"q2": 1}, "answers.q2"),
            ({"q5": 10**400}, "answers.q5"),
            (["q1"], "answers"),
        ],
    )
    def test_validated_like_submit(self, learner_client, started, answers, field):
        _, attempt_id = started
        response = save(learner_client, attempt_id, answers)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field
        assert Attempt.objects.get(pk=attempt_id).answers == {}

    def test_missing_answers_is_400(self, learner_client, started):
        _, attempt_id = started
        response = learner_client.put(
            f"/api/v1/attempts/{attempt_id}/answers", {}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "answers"

    def test_other_learner_gets_404(self, course, started):
        _, attempt_id = started
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        client = APIClient()
        signed_in(client, other)
        response = save(client, attempt_id, {"q1": 1})
        assert response.status_code == 404
        assert Attempt.objects.get(pk=attempt_id).answers == {}

    def test_course_instructor_cannot_save_for_the_learner(self, instructor, started):
        _, attempt_id = started
        client = APIClient()
        signed_in(client, instructor)
        assert save(client, attempt_id, {"q1": 1}).status_code == 404

    def test_anonymous_is_401(self, started):
        _, attempt_id = started
        assert save(APIClient(), attempt_id, {"q1": 1}).status_code == 401

    def test_submitted_attempt_is_409(self, learner_client, started):
        assessment, attempt_id = started
        submit(learner_client, assessment, {"q1": 1})
        response = save(learner_client, attempt_id, {"q1": 0})
        assert response.status_code == 409
        assert code(response) == "CONFLICT"
        assert Attempt.objects.get(pk=attempt_id).answers == {"q1": 1}

    def test_past_deadline_is_409_and_not_graded(self, learner_client, started):
        _, attempt_id = started
        past = timezone.now() - timedelta(minutes=40)
        Attempt.objects.filter(pk=attempt_id).update(
            started_at=past, deadline=past + timedelta(minutes=30)
        )
        response = save(learner_client, attempt_id, {"q1": 1})
        assert response.status_code == 409
        assert code(response) == "DEADLINE_PASSED"
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.status == AttemptStatus.IN_PROGRESS
        assert attempt.answers == {}
        assert attempt.saved_at is None

    def test_within_grace_is_saved(self, learner_client, started):
        _, attempt_id = started
        now = timezone.now()
        Attempt.objects.filter(pk=attempt_id).update(
            started_at=now - timedelta(minutes=30), deadline=now - timedelta(seconds=1)
        )
        assert save(learner_client, attempt_id, {"q1": 1}).status_code == 200

    def test_retired_assessment_is_404(self, learner_client, started):
        assessment, attempt_id = started
        assessment.archived_at = timezone.now()
        assessment.save(update_fields=["archived_at"])
        assert save(learner_client, attempt_id, {"q1": 1}).status_code == 404

    def test_query_count(self, learner_client, started, django_assert_max_num_queries):
        _, attempt_id = started
        with django_assert_max_num_queries(10):
            response = save(learner_client, attempt_id, {"q1": 1, "q3": False})
        assert response.status_code == 200


JSON = "application/json"


class TestLoneSurrogateAnswers:
    """A short answer with a lone surrogate (JSON ``"\\ud800"``) is valid JSON but
    no UTF-8: jsonb refused it with a 500 (issue 13, finding 9). Now a 400 naming
    the answer, for autosave and submit alike, and nothing is stored."""

    @pytest.mark.parametrize(
        "answers",
        [{**RIGHT, "q4": "Wire\ud800shark"}, {**RIGHT, "q4\udfff": "tcpdump"}],
        ids=["value", "key"],
    )
    def test_refused_on_save_and_submit(self, learner_client, started, answers):
        assessment, attempt_id = started
        # json.dumps writes the escape an attacker sends (the test client's own
        # encoder cannot even encode the surrogate).
        body = json.dumps({"answers": answers})
        saved = learner_client.put(
            f"/api/v1/attempts/{attempt_id}/answers", body, content_type=JSON
        )
        submitted = learner_client.post(
            f"/api/v1/assessments/{assessment.pk}/submit", body, content_type=JSON
        )
        for response in (saved, submitted):
            assert response.status_code == 400, response.content
            [error] = response.json()["errors"]
            assert error["code"] == "VALIDATION_ERROR"
            assert error["field"].startswith("answers.q4")
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.status == AttemptStatus.IN_PROGRESS
        assert not attempt.answers
