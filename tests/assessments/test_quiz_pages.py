"""The learner's assessment pages: the take page, an attempt's result page, and the
assessments listed on module and course pages (rendered by Django's test client)."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, AttemptStatus
from content.models import ModulePage
from learning.models import Enrollment, EnrollmentStatus
from learning.services import enrollment_create
from tests.portal.factories import UserFactory

from .conftest import FLAG, QUESTIONS, RIGHT

pytestmark = pytest.mark.django_db

ESSAY = {
    "id": "e1",
    "type": "essay",
    "prompt": "Explain defence in depth.",
    "points": 3,
}
# Every secret of QUESTIONS, as it could leak into a page.
SECRETS = (
    "Wireshark",
    "tcpdump",
    FLAG,
    "tolerance",
    "flag_hash",
    "answer_key",
    '"correct"',
    "correct_answer",
)


def take_url(assessment) -> str:
    return f"/assessments/{assessment.pk}/"


def result_url(attempt) -> str:
    return f"/assessments/attempts/{attempt.pk}/"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def start(user, assessment) -> Attempt:
    return services.attempt_start(actor=user, assessment_id=assessment.pk).attempt


def first_module(course) -> ModulePage:
    return ModulePage.objects.child_of(course).live().order_by("path").first()


class TestTakePageAccess:
    def test_anonymous_is_sent_to_sign_in(self, client, make_assessment):
        assessment = make_assessment()
        response = client.get(take_url(assessment))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    def test_not_enrolled_gets_404(self, client, make_assessment, student):
        assessment = make_assessment()
        client.force_login(student)
        response = client.get(take_url(assessment))
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_cancelled_enrollment_gets_404(self, client, make_assessment, learner):
        assessment = make_assessment()
        Enrollment.objects.filter(user=learner).update(
            status=EnrollmentStatus.CANCELLED
        )
        client.force_login(learner)
        assert client.get(take_url(assessment)).status_code == 404

    def test_instructor_of_the_course_gets_404(
        self, client, make_assessment, instructor
    ):
        # The take page is the learner's; staff review through the API.
        assessment = make_assessment()
        client.force_login(instructor)
        assert client.get(take_url(assessment)).status_code == 404

    def test_archived_assessment_gets_404(self, client, make_assessment, learner):
        assessment = make_assessment()
        assessment.archived_at = timezone.now()
        assessment.save(update_fields=["archived_at"])
        client.force_login(learner)
        assert client.get(take_url(assessment)).status_code == 404

    def test_unknown_and_huge_ids_get_404(self, client, learner):
        client.force_login(learner)
        assert client.get("/assessments/999999/").status_code == 404
        assert client.get("/assessments/" + "9" * 30 + "/").status_code == 404

    def test_only_safe_methods(self, client, make_assessment, learner):
        assessment = make_assessment()
        client.force_login(learner)
        assert client.post(take_url(assessment)).status_code == 405


class TestTakePage:
    def test_before_starting_shows_instructions_and_start(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(time_limit=20)
        client.force_login(learner)
        content = page(client.get(take_url(assessment)))
        assert "<h1>Network basics quiz</h1>" in content
        assert "6 questions" in content
        assert "Time limit: 20 minutes." in content
        assert "Passing score: 70%" in content
        assert "Attempts used: 0 of 3 (3 left)" in content
        assert 'id="quiz-start"' in content
        assert ">Start</button>" in content
        # No attempt yet: no questions are served, nothing started.
        assert 'id="quiz-form"' not in content
        assert "Which port does HTTPS use?" not in content
        assert not Attempt.objects.exists()
        # The script and its configuration, no inline script.
        assert '<script src="/static/js/quiz.js" defer></script>' in content
        assert "<script>" not in content
        assert f'data-assessment-id="{assessment.pk}"' in content
        assert 'data-attempt-id=""' in content

    def test_renders_every_question_type_of_the_attempt(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(questions=[*QUESTIONS, ESSAY], time_limit=30)
        attempt = start(learner, assessment)
        client.force_login(learner)
        content = page(client.get(take_url(assessment)))
        assert 'id="quiz-form"' in content
        assert f'data-attempt-id="{attempt.pk}"' in content
        deadline_ms = int(attempt.deadline.timestamp() * 1000)
        assert f'data-deadline="{deadline_ms}"' in content
        assert 'id="quiz-timer"' in content
        # single choice: one radio per choice
        assert content.count('type="radio" id="q-q1-') == 3
        assert 'name="q-q1" value="1"' in content
        # multiple choice: checkboxes
        assert content.count('type="checkbox" id="q-q2-') == 4
        # true/false: two radios with true/false values
        assert 'id="q-q3-true" name="q-q3" value="true"' in content
        assert 'id="q-q3-false" name="q-q3" value="false"' in content
        # short answer: text input; numeric: number with step any; flag: text
        assert re.search(r'<input type="text" id="q-q4" name="q-q4"', content)
        assert re.search(r'<input type="number" step="any"[^>]* id="q-q5"', content)
        assert re.search(
            r'<input type="text" id="q-q6" name="q-q6"[^>]*quiz-flag', content
        )
        # essay: a textarea
        assert '<textarea id="q-e1" name="q-e1"' in content
        assert "(3 points)" in content
        for question in QUESTIONS:
            assert html.escape(question["prompt"]) in content

    def test_no_correct_answers_or_flags_in_the_page(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(questions=[*QUESTIONS, ESSAY], time_limit=30)
        start(learner, assessment)
        client.force_login(learner)
        content = page(client.get(take_url(assessment)))
        lowered = content.lower()
        for secret in SECRETS:
            assert secret.lower() not in lowered, secret
        assert assessment.flag_salt not in content
        for question in assessment.questions:
            if "flag_hash" in question:
                assert question["flag_hash"] not in content

    def test_saved_answers_are_filled_in(self, client, make_assessment, learner):
        assessment = make_assessment(questions=[*QUESTIONS, ESSAY], time_limit=30)
        attempt = start(learner, assessment)
        services.attempt_autosave(
            actor=learner,
            attempt_id=attempt.pk,
            answers={
                "q1": 2,
                "q2": [0, 3],
                "q3": True,
                "q4": "nmap <b>",
                "q5": 31.5,
                "q6": "FLAG{guess}",
                "e1": "Layers\nof controls",
            },
        )
        client.force_login(learner)
        content = page(client.get(take_url(assessment)))
        assert 'name="q-q1" value="2" checked' in content
        assert 'name="q-q1" value="1" checked' not in content
        assert 'name="q-q2" value="0" checked' in content
        assert 'name="q-q2" value="3" checked' in content
        assert 'name="q-q2" value="1" checked' not in content
        assert 'name="q-q3" value="true" checked' in content
        assert 'name="q-q3" value="false" checked' not in content
        assert 'value="nmap &lt;b&gt;"' in content  # escaped
        assert 'name="q-q5" value="31.5"' in content
        assert 'name="q-q6" value="FLAG{guess}"' in content
        assert ">Layers\nof controls</textarea>" in content
        assert "data-saved-at=" in content

    def test_other_learners_saved_answers_are_not_shown(
        self, client, make_assessment, course, learner
    ):
        assessment = make_assessment(time_limit=30)
        attempt = start(learner, assessment)
        services.attempt_autosave(
            actor=learner, attempt_id=attempt.pk, answers={"q4": "secret-of-learner"}
        )
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        client.force_login(other)
        content = page(client.get(take_url(assessment)))
        assert "secret-of-learner" not in content
        assert 'id="quiz-form"' not in content
        assert 'id="quiz-start"' in content

    def test_no_attempts_left(self, client, make_assessment, learner):
        assessment = make_assessment(max_attempts=1)
        services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=RIGHT
        )
        client.force_login(learner)
        content = page(client.get(take_url(assessment)))
        assert "You have used all your attempts." in content
        assert 'id="quiz-start"' not in content
        assert "Attempts used: 1 of 1 (0 left)" in content
        attempt = Attempt.objects.get(user=learner)
        assert f'href="/assessments/attempts/{attempt.pk}/"' in content

    def test_closed_and_not_yet_open(self, client, make_assessment, learner):
        now = timezone.now()
        closed = make_assessment(
            opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1)
        )
        later = make_assessment(opens_at=now + timedelta(days=1))
        client.force_login(learner)
        content = page(client.get(take_url(closed)))
        assert "This assessment has closed." in content
        assert 'id="quiz-start"' not in content
        content = page(client.get(take_url(later)))
        assert "This assessment opens" in content
        assert 'id="quiz-start"' not in content

    def test_lab_shows_its_instructions(self, client, make_assessment, learner):
        lab = make_assessment(
            assessment_type="lab",
            questions=[QUESTIONS[5]],
            title="Capture the flag",
        )
        lab.lab_instructions = "Connect with ssh lab@10.0.0.5\nPassword: hunter2"
        lab.save(update_fields=["lab_instructions"])
        client.force_login(learner)
        content = page(client.get(take_url(lab)))
        assert "Lab instructions" in content
        assert "Connect with ssh lab@10.0.0.5<br>Password: hunter2" in content

    def test_proctored_exam_form_waits_for_the_session_check(
        self, client, make_assessment, learner
    ):
        exam = make_assessment(assessment_type="exam", time_limit=30)
        exam.proctored = True
        exam.save(update_fields=["proctored"])
        client.force_login(learner)
        content = page(client.get(take_url(exam)))
        assert 'data-proctored="true"' in content
        assert "Proctored exam:" in content
        assert "open in another browser" in content  # the message quiz.js shows

    def test_query_count_does_not_grow_with_attempts(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(max_attempts=10)
        client.force_login(learner)
        services.attempt_submit(actor=learner, assessment_id=assessment.pk, answers={})
        client.get(take_url(assessment))  # warm caches (site, session)
        with CaptureQueriesContext(connection) as one:
            page(client.get(take_url(assessment)))
        for _ in range(5):
            services.attempt_submit(
                actor=learner, assessment_id=assessment.pk, answers={}
            )
        with CaptureQueriesContext(connection) as many:
            content = page(client.get(take_url(assessment)))
        assert "Attempts used: 6 of 10" in content
        assert len(many) == len(one)


class TestResultPage:
    def test_owner_sees_score_and_feedback(self, client, make_assessment, learner):
        assessment = make_assessment()
        answers = {**RIGHT, "q1": 0, "q6": "FLAG{wrong}"}
        attempt = services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=answers
        )
        client.force_login(learner)
        content = page(client.get(result_url(attempt)))
        # q1 and q6 wrong: 5 of 7 points.
        assert attempt.score == Decimal("71.43")
        assert "Score: 71.43%" in content
        assert "Passed" in content
        assert "Correct answers</dt><dd>4 / 6</dd>" in content
        assert (
            'class="quiz-feedback-item outcome-incorrect" id="feedback-q1"' in content
        )
        assert 'class="quiz-feedback-item outcome-correct" id="feedback-q2"' in content
        assert "Points: 2 of 2" in content
        # The learner's own answers, as text.
        assert "<dd>80</dd>" in content  # q1: choice 0
        assert "SHA-256, BLAKE2" in content
        assert "FLAG{wrong}" in content
        # The assessment does not reveal answers: none in the page.
        assert "Correct answer<" not in content
        assert FLAG not in content
        assert "tcpdump" not in content

    def test_revealed_answers_never_include_the_flag(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(show_answers_after_submit=True)
        attempt = services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers={"q1": 0}
        )
        client.force_login(learner)
        content = page(client.get(result_url(attempt)))
        assert "Score: 0%" in content
        assert "Not passed" in content
        assert "Correct answer</dt><dd>443</dd>" in content
        assert "Correct answer</dt><dd>SHA-256, BLAKE2</dd>" in content
        assert "Correct answer</dt><dd>False</dd>" in content
        assert "Wireshark / tcpdump" in content
        assert "32 (± 0.5)" in content
        assert FLAG not in content
        assert "Not answered" in content

    def test_pending_essay(self, client, make_assessment, learner):
        assessment = make_assessment(questions=[QUESTIONS[0], ESSAY])
        attempt = services.attempt_submit(
            actor=learner,
            assessment_id=assessment.pk,
            answers={"q1": 1, "e1": "Several layers."},
        )
        assert attempt.status == AttemptStatus.PENDING_REVIEW
        client.force_login(learner)
        content = page(client.get(result_url(attempt)))
        assert "Awaiting grading" in content
        assert "Pending grading" in content
        assert "Score:" not in content
        assert "Several layers." in content

    def test_late_attempt_says_so(self, client, make_assessment, learner):
        assessment = make_assessment(time_limit=10)
        attempt = start(learner, assessment)
        Attempt.objects.filter(pk=attempt.pk).update(
            deadline=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(Exception, match="deadline"):
            services.attempt_submit(
                actor=learner, assessment_id=assessment.pk, answers=RIGHT
            )
        client.force_login(learner)
        content = page(client.get(result_url(attempt)))
        assert "submitted after the deadline" in content
        assert "Late" in content
        assert "Not passed" in content

    def test_in_progress_redirects_to_the_take_page(
        self, client, make_assessment, learner
    ):
        assessment = make_assessment(time_limit=10)
        attempt = start(learner, assessment)
        client.force_login(learner)
        response = client.get(result_url(attempt))
        assert response.status_code == 302
        assert response["Location"] == take_url(assessment)

    def test_another_learners_attempt_is_404(
        self, client, make_assessment, course, learner
    ):
        assessment = make_assessment()
        attempt = services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=RIGHT
        )
        other = UserFactory()
        enrollment_create(actor=other, course_id=course.pk)
        client.force_login(other)
        assert client.get(result_url(attempt)).status_code == 404

    def test_instructor_gets_404_too(
        self, client, make_assessment, learner, instructor
    ):
        assessment = make_assessment()
        attempt = services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=RIGHT
        )
        client.force_login(instructor)
        assert client.get(result_url(attempt)).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client, make_assessment, learner):
        assessment = make_assessment()
        attempt = services.attempt_submit(
            actor=learner, assessment_id=assessment.pk, answers=RIGHT
        )
        response = client.get(result_url(attempt))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


class TestAssessmentLists:
    def test_module_page_lists_its_assessments_with_the_learners_state(
        self, client, course, make_assessment, learner, home_page
    ):
        module = first_module(course)
        passed = make_assessment(title="Passed one", module_id=module.pk)
        fresh = make_assessment(title="Fresh one", module_id=module.pk, time_limit=15)
        make_assessment(title="Course-level one")
        services.attempt_submit(actor=learner, assessment_id=passed.pk, answers=RIGHT)
        client.force_login(learner)
        content = page(client.get(module.url))
        assert "Check your knowledge" in content
        assert f'<a href="/assessments/{passed.pk}/">Passed one</a>' in content
        assert f'<a href="/assessments/{fresh.pk}/">Fresh one</a>' in content
        assert "Course-level one" not in content
        items = re.findall(
            r'<li class="assessment-item assessment-([a-z-]+)">', content
        )
        assert items == ["passed", "new"]
        assert "best score 85.71%" in content  # RIGHT leaves the flag out: 6 of 7
        assert "15 minutes" in content
        assert "2 attempts left" in content

    def test_in_progress_and_failed_states(
        self, client, course, make_assessment, learner, home_page
    ):
        module = first_module(course)
        failed = make_assessment(title="Failed one", module_id=module.pk)
        running = make_assessment(
            title="Running one", module_id=module.pk, time_limit=15
        )
        services.attempt_submit(actor=learner, assessment_id=failed.pk, answers={})
        start(learner, running)
        client.force_login(learner)
        content = page(client.get(module.url))
        items = re.findall(
            r'<li class="assessment-item assessment-([a-z-]+)">', content
        )
        assert items == ["failed", "in-progress"]
        assert "Not passed yet" in content
        assert "In progress" in content

    def test_not_enrolled_and_anonymous_see_no_list(
        self, client, course, make_assessment, student, home_page
    ):
        module = first_module(course)
        make_assessment(title="Members only", module_id=module.pk)
        assert "Members only" not in page(client.get(module.url))
        client.force_login(student)
        assert "Members only" not in page(client.get(module.url))

    def test_course_page_lists_course_level_assessments(
        self, client, course, make_assessment, learner, home_page
    ):
        module = first_module(course)
        make_assessment(title="Final exam", assessment_type="exam")
        make_assessment(title="Module quiz", module_id=module.pk)
        client.force_login(learner)
        content = page(client.get(course.url))
        assert "Course assessments" in content
        assert "Final exam" in content
        assert "Module quiz" not in content

    def test_module_list_query_count_does_not_grow(
        self, client, course, make_assessment, learner, home_page
    ):
        module = first_module(course)
        first = make_assessment(title="Quiz 0", module_id=module.pk)
        services.attempt_submit(actor=learner, assessment_id=first.pk, answers=RIGHT)
        client.force_login(learner)
        page(client.get(module.url))  # warm caches
        with CaptureQueriesContext(connection) as one:
            page(client.get(module.url))
        for number in range(1, 5):
            extra = make_assessment(title=f"Quiz {number}", module_id=module.pk)
            services.attempt_submit(actor=learner, assessment_id=extra.pk, answers={})
        with CaptureQueriesContext(connection) as many:
            content = page(client.get(module.url))
        assert content.count('class="assessment-item ') == 5
        assert len(many) == len(one)
