"""The demo's real course in a real browser: a fresh account signs up with a name,
enrolls in Security+ Foundations, finds that "Mark complete" does not complete
modules that need work, then watches the video, answers the quizzes, captures the
lab's flags and passes the timed practice exam, and gets a certificate in its name.
A profile name change shows on the next certificate."""

import hashlib
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.demo.bank import PRACTICE_EXAM_BANK, QUIZZES, WALKTHROUGH_COURSE
from assessments.models import Assessment
from content.models import CoursePage, ModulePage
from learning.models import Certificate, ModuleProgress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "rosalind@example.org"
PASSWORD = "Correct-Horse-Battery-42"


def checksum_flag(seed: str) -> str:
    """What the learner gets running the lab's command: FLAG{first 16 hex}."""
    return f"FLAG{{{hashlib.sha256(seed.encode()).hexdigest()[:16]}}}"


def answer(page, question: dict) -> None:
    """Give the right answer to one served question, as a learner would."""
    qid, kind = question["id"], question["type"]
    if kind == "single_choice":
        page.locator(f"#q-{qid}-{question['correct']}").check()
    elif kind == "multiple_choice":
        for index in question["correct"]:
            page.locator(f"#q-{qid}-{index}").check()
    elif kind == "true_false":
        page.locator(f"#q-{qid}-{'true' if question['correct'] else 'false'}").check()
    else:
        page.locator(f"#q-{qid}").fill(question["correct"])


def take(page, base: str, module: ModulePage, questions: list[dict]) -> None:
    """Open the module's assessment from its page, start, answer what is served,
    submit and see it passed."""
    page.goto(f"{base}{module.url}")
    assessment = Assessment.objects.get(module=module)
    page.get_by_role("region", name="Check your knowledge").get_by_role(
        "link", name=assessment.title
    ).click()
    expect(page).to_have_url(f"{base}/assessments/{assessment.pk}/")
    page.get_by_role("button", name=re.compile("^Start")).click()
    expect(page.locator("#quiz")).to_be_visible()
    # The questions come from the attempt, drawn by the page's script.
    expect(page.locator(".quiz-question").first).to_be_visible()
    served = 0
    for question in questions:
        if page.locator(f"#question-{question['id']}").count():
            answer(page, question)
            served += 1
    assert served == (assessment.pool_size or len(assessment.questions))
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".quiz-summary")).to_contain_text("Passed")


def mark_complete_refused(page, base: str, module: ModulePage) -> None:
    page.goto(f"{base}{module.url}")
    panel = page.get_by_role("region", name="Your progress on this module")
    panel.get_by_role("button", name=re.compile("^Mark complete")).click()
    expect(page.locator(".messages")).to_contain_text(
        "Pass the module's required assessment"
    )


class TestTheDemoCourse:
    def test_a_certificate_takes_answers_flags_and_the_exam(
        self, browser_page, live_server, home_page
    ):
        call_command("seed_demo", stdout=StringIO())
        course = CoursePage.objects.get(title=WALKTHROUGH_COURSE)
        modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
        by_title = {m.title: m for m in modules}
        base = live_server.url
        page = browser_page

        # A fresh account, with the name its certificate will carry.
        page.goto(f"{base}/accounts/signup/")
        page.get_by_label("First name").fill("Rosalind")
        page.get_by_label("Last name").fill("Franklin")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill(PASSWORD)
        page.get_by_role("button", name="Sign Up").click()
        expect(page).to_have_url(f"{base}/learn/")

        page.goto(f"{base}{course.url}")
        page.get_by_role("button", name="Enroll for free").click()
        expect(page).to_have_url(f"{base}{modules[0].url}")

        # Without the work nothing completes: a text module with a quiz refuses
        # "Mark complete", labs and the exam do not even offer it.
        mark_complete_refused(page, base, by_title["Security architecture basics"])
        for title in ("Lab: hashing and verifying downloads", "Practice exam"):
            page.goto(f"{base}{by_title[title].url}")
            panel = page.get_by_role("region", name="Your progress on this module")
            expect(
                panel.get_by_role("button", name=re.compile("Mark complete"))
            ).to_have_count(0)
        assert not ModuleProgress.objects.filter(
            user__email=EMAIL, completed_at__isnull=False
        ).exists()

        # 1. Watch the video to the end, then pass its quiz.
        video_module = modules[0]
        page.goto(f"{base}{video_module.url}")
        video = page.locator("video[data-player]")
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').readyState >= 1"
        )
        page.evaluate(
            "() => { const v = document.querySelector('video[data-player]');"
            " v.muted = true; return v.play(); }"
        )
        page.wait_for_function(
            "() => document.querySelector('video[data-player]').ended",
            timeout=30_000,
        )
        expect(video).to_have_attribute("data-last-post", "200")
        take(
            page, base, video_module, QUIZZES[(WALKTHROUGH_COURSE, video_module.title)]
        )

        # 2-4. The quizzes of the reading and interactive modules.
        for title in (
            "Security architecture basics",
            "Identity and access management",
            "Cryptography essentials",
        ):
            take(page, base, by_title[title], QUIZZES[(WALKTHROUGH_COURSE, title)])

        # 5. The lab: each flag is the checksum its instructions ask for.
        lab = by_title["Lab: hashing and verifying downloads"]
        lab_assessment = Assessment.objects.get(module=lab)
        page.goto(f"{base}/assessments/{lab_assessment.pk}/")
        seeds = re.findall(
            r"printf '%s' '([^']+)' \| sha256sum", page.get_by_role("main").inner_text()
        )
        flags = [
            {"id": f"flag-{n}", "type": "flag", "correct": checksum_flag(seed)}
            for n, seed in enumerate(seeds, start=1)
        ]
        assert len(flags) == 2
        take(page, base, lab, flags)

        # 6. The timed practice exam, 10 questions drawn from the bank.
        exam = by_title["Practice exam"]
        page.goto(f"{base}/assessments/{Assessment.objects.get(module=exam).pk}/")
        expect(page.get_by_role("main")).to_contain_text("Time limit: 20 minutes")
        take(page, base, exam, PRACTICE_EXAM_BANK)

        # Every required module is done: the certificate, in the learner's name.
        page.goto(f"{base}/learn/")
        certificate = Certificate.objects.get(user__email=EMAIL, course=course)
        assert certificate.holder_name == "Rosalind Franklin"
        main = page.get_by_role("main")
        item = main.get_by_role("listitem").filter(
            has_text=f"Number {certificate.number}"
        )
        expect(item).to_be_visible()
        with page.expect_download() as download_info:
            item.get_by_role("link", name="Download PDF").click()
        data = Path(download_info.value.path()).read_bytes()
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "Rosalind Franklin" in text

        # The outline ticks every required module.
        page.goto(f"{base}{course.url}")
        required = [m for m in modules if m.is_mandatory]
        expect(page.locator(".module-done-item")).to_have_count(len(required))
