"""A learner in a real browser: "My skills" with its chart and gap report, then
opting in on the career profile (no Content-Security-Policy refusals)."""

import pytest
from playwright.sync_api import expect

from corporate.talent.models import TalentProfile
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class TestSkillsInTheBrowser:
    def test_my_skills_then_opt_in(
        self, browser_page, live_server, home_page, learner_with_evidence, gap_course
    ):
        page = browser_page
        base = live_server.url
        sign_in(page, base, learner_with_evidence.email)
        page.get_by_role("link", name="My skills").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My skills")
        chart = page.get_by_role("img", name="Coverage by work role")
        expect(chart).to_be_visible()
        expect(chart).to_contain_text("PD-WRL-901 Role A — 75.0%")
        gap = page.get_by_role("region", name="Gap report: PD-WRL-901 Role A")
        expect(gap).to_contain_text("T9002")
        expect(gap.get_by_role("link", name=gap_course.title)).to_be_visible()

        page.get_by_role("link", name="Career").click()
        page.get_by_label("Show my profile to employers' representatives").check()
        page.get_by_label("Headline").fill("Ready for the SOC")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").first).to_contain_text("saved")
        profile = TalentProfile.objects.get(user=learner_with_evidence)
        assert profile.visible
        assert profile.headline == "Ready for the SOC"
