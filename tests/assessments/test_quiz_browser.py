"""A learner takes a timed quiz in a real browser: she opens it from the module
page, starts it, answers some questions, waits for the autosave, reloads the page
and finds her answers, answers the rest, submits and sees her result."""

import json
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, AttemptStatus
from content.models import ModulePage
from tests.browser import sign_in

from .conftest import FLAG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For a person to look at the layout; not assertions.
SHOTS = Path(tempfile.gettempdir())
TIMER = re.compile(r"^\d+:\d\d$")
SAVED = re.compile(r"^Saved \d\d:\d\d:\d\d$")


def autosave_of(*question_ids):
    """A predicate for the autosave response that carries all these answers."""

    def matches(response) -> bool:
        request = response.request
        if request.method != "PUT" or not response.url.endswith("/answers"):
            return False
        sent = json.loads(request.post_data or "{}").get("answers", {})
        return set(question_ids) <= set(sent)

    return matches


class TestTakingATimedQuiz:
    def test_answers_survive_a_reload_and_the_result_is_shown(
        self, browser_page, live_server, home_page, course, learner, make_assessment
    ):
        module = ModulePage.objects.child_of(course).live().order_by("path").first()
        assessment = make_assessment(
            title="Timed network quiz", time_limit=10, module_id=module.pk
        )
        base = live_server.url
        page = browser_page
        sign_in(page, base, learner.email)

        # The module page lists the quiz; it opens the take page.
        page.goto(f"{base}{module.url}")
        listing = page.get_by_role("region", name="Check your knowledge")
        expect(listing).to_contain_text("Not started")
        listing.get_by_role("link", name="Timed network quiz").click()
        expect(page).to_have_url(f"{base}/assessments/{assessment.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Timed network quiz")
        expect(page.locator("#attempts-info")).to_have_text(
            "Attempts used: 0 of 3 (3 left)"
        )

        # Start: the page comes back with the questions and a running countdown.
        page.get_by_role("button", name="Start").click()
        timer = page.get_by_role("timer")
        expect(timer).to_have_text(TIMER)
        first_reading = timer.text_content()
        assert first_reading.startswith(("10:00", "9:5"))
        expect(timer).not_to_have_text(first_reading)  # it counts down
        attempt = Attempt.objects.get(user=learner, assessment=assessment)
        assert attempt.status == AttemptStatus.IN_PROGRESS
        expect(page.locator("#quiz")).to_have_attribute(
            "data-attempt-id", str(attempt.pk)
        )

        # Some answers, then the autosave (within ~5 s) stores them on the server.
        status = page.get_by_role("status").filter(has_text="Saved")
        with page.expect_response(autosave_of("q1", "q2", "q3")) as saved:
            page.get_by_label("443").check()
            page.get_by_label("SHA-256").check()
            page.get_by_label("BLAKE2").check()
            page.locator("#q-q3-false").check()
        assert saved.value.status == 200
        expect(status).to_have_text(SAVED)
        attempt.refresh_from_db()
        assert attempt.answers == {"q1": 1, "q2": [1, 3], "q3": False}
        assert attempt.saved_at is not None

        # A reload finds them, from the server, and the clock did not restart.
        page.reload()
        expect(page.get_by_label("443")).to_be_checked()
        expect(page.get_by_label("SHA-256")).to_be_checked()
        expect(page.get_by_label("BLAKE2")).to_be_checked()
        expect(page.get_by_label("AES")).not_to_be_checked()
        expect(page.locator("#q-q3-false")).to_be_checked()
        expect(status).to_have_text(SAVED)
        expect(timer).to_have_text(TIMER)
        assert timer.text_content() != "10:00"
        assert Attempt.objects.filter(user=learner).count() == 1
        page.screenshot(path=SHOTS / "quiz-take.png", full_page=True)

        # The rest, then submit: the result page shows the score and feedback.
        page.get_by_label("Your answer", exact=True).fill("wireshark")
        page.get_by_label("Your answer (a number)").fill("32")
        page.get_by_label("Flag").fill(FLAG)
        page.get_by_role("button", name="Submit answers").click()
        expect(page).to_have_url(f"{base}/assessments/attempts/{attempt.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Your result: attempt 1"
        )
        expect(page.locator("#quiz-score")).to_have_text("Score: 100%")
        expect(page.locator(".quiz-summary")).to_contain_text("Passed")
        expect(page.locator(".quiz-feedback-item.outcome-correct")).to_have_count(6)
        page.screenshot(path=SHOTS / "quiz-result.png", full_page=True)

        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.GRADED
        assert attempt.passed is True
        assert attempt.late is False
        assert attempt.answers["q6"] == FLAG
