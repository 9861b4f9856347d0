"""Flag brute-force protection: submissions to an assessment with flag questions are
rate limited per learner and assessment (scope ``flag``)."""

import pytest
from rest_framework.test import APIClient

from assessments.models import Attempt
from learning.services import enrollment_create
from tests.portal.auth_helpers import signed_in
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS
from .test_attempt_api import submit

pytestmark = pytest.mark.django_db

LAB = [{"id": "f1", "type": "flag", "prompt": "The flag?", "correct": FLAG}]


@pytest.fixture(autouse=True)
def _low_rate(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "flag": "2/min"}


def assert_limited(response):
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == "error"
    assert body["errors"][0]["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0


class TestFlagThrottle:
    def test_guessing_is_limited_per_learner_and_assessment(
        self, learner_client, make_assessment, course
    ):
        lab = make_assessment(questions=LAB, assessment_type="lab", max_attempts=50)
        other_lab = make_assessment(questions=LAB, title="Other lab", max_attempts=50)
        for guess in ("FLAG{a}", "FLAG{b}"):
            assert submit(learner_client, lab, {"f1": guess}).status_code == 201
        assert_limited(submit(learner_client, lab, {"f1": FLAG}))
        # The refused guess was not graded, not even stored.
        assert Attempt.objects.filter(assessment=lab).count() == 2
        # Another assessment of the same learner has its own budget...
        assert submit(learner_client, other_lab, {"f1": "x"}).status_code == 201
        # ... and so has another learner on the same assessment.
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        client = APIClient()
        signed_in(client, other)
        assert submit(client, lab, {"f1": "y"}).status_code == 201

    def test_invalid_submissions_count_too(self, learner_client, make_assessment):
        lab = make_assessment(questions=LAB, max_attempts=50)
        for _ in range(2):
            assert submit(learner_client, lab, {"f1": 7}).status_code == 400
        assert_limited(submit(learner_client, lab, {"f1": FLAG}))

    def test_assessments_without_flags_are_not_limited(
        self, learner_client, make_assessment
    ):
        quiz = make_assessment(questions=QUESTIONS[:5], max_attempts=10)
        for _ in range(4):
            assert submit(learner_client, quiz, {"q1": 0}).status_code == 201

    def test_autosave_is_not_limited(self, learner_client, make_assessment):
        lab = make_assessment(questions=LAB, time_limit=30, max_attempts=50)
        attempt_id = learner_client.post(f"/api/v1/assessments/{lab.pk}/start").json()[
            "data"
        ]["id"]
        for guess in ("a", "b", "c", "d"):
            response = learner_client.put(
                f"/api/v1/attempts/{attempt_id}/answers",
                {"answers": {"f1": guess}},
                format="json",
            )
            assert response.status_code == 200
            assert "correct" not in response.json()["data"]

    def test_default_rate_is_configured(self):
        from django.conf import settings as django_settings

        from portal.settings.base import THROTTLE_RATES

        assert THROTTLE_RATES["flag"] == "10/min"
        assert "flag" in django_settings.THROTTLE_RATES
