"""The portal's extension points (``portal.hooks``): every required one is
implemented once the apps are loaded, in any process, and the helpers combine the
answers as declared."""

import subprocess
import sys

import pytest
from django.conf import settings
from wagtail import hooks

from assessments.analytics import course_assessment_analytics, user_assessment_history
from assessments.demo import seed_assessments
from assessments.services import required_assessment_guard
from assessments.skills.demo import seed_assessment_skills
from content.demo.seed import seed_courses
from corporate.demo import seed_organization
from corporate.scim.demo import seed_scim
from corporate.talent.demo import seed_talent
from integrations.webhooks.client import STANDARD_WEBHOOKS
from learning.demo import seed_learning
from learning.mentorship.demo import seed_mentorship
from learning.selectors import (
    is_enrolled_in_any,
    module_completion_state,
)
from learning.skills.demo import seed_skills
from portal import hooks as portal_hooks
from portal.accounts.demo import seed_accounts
from portal.demo import DemoReport
from tests.portal.factories import UserFactory


class TestRequiredExtensionPoints:
    def test_each_has_its_implementation(self):
        expected = {
            portal_hooks.COURSE_MEMBER_CHECK: [is_enrolled_in_any],
            portal_hooks.MODULE_STATE: [module_completion_state],
            portal_hooks.COMPLETION_GUARD: [required_assessment_guard],
            portal_hooks.COURSE_ASSESSMENT_ANALYTICS: [course_assessment_analytics],
            portal_hooks.USER_ASSESSMENT_HISTORY: [user_assessment_history],
            portal_hooks.DEMO_SEED: [
                seed_accounts,
                seed_courses,
                seed_skills,
                seed_assessments,
                seed_learning,
                seed_mentorship,
                seed_assessment_skills,
                seed_organization,
                seed_talent,
                seed_scim,
            ],
            portal_hooks.WEBHOOK_TRANSPORT: [STANDARD_WEBHOOKS],
        }
        assert set(expected) == set(portal_hooks.REQUIRED_HOOKS)
        for name, implementations in expected.items():
            assert hooks.get_hooks(name) == implementations, name
        assert portal_hooks.required_hooks_check() == []

    def test_the_system_check_names_a_missing_one(self, without_implementations):
        without_implementations(portal_hooks.COMPLETION_GUARD)
        errors = portal_hooks.required_hooks_check()
        assert [(e.id, e.obj) for e in errors] == [
            ("portal.E001", portal_hooks.COMPLETION_GUARD)
        ]

    def test_a_fresh_process_finds_them_without_loading_urls(self):
        """A Celery worker or a management command only runs ``django.setup()``:
        the first helper call finds every app's ``wagtail_hooks``."""
        code = (
            "import django, sys; django.setup();"
            "from portal.hooks import required_hooks_check;"
            "assert 'portal.urls' not in sys.modules;"
            "print(len(required_hooks_check()))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            timeout=120,
        )
        assert result.stdout.strip() == "0"


@pytest.mark.django_db
class TestAnyCombination:
    def test_registering_temporarily_admits(self):
        user = UserFactory()

        def admit(*, user, course_ids):
            return list(course_ids) == [7]

        assert portal_hooks.course_member_any(user=user, course_ids=[7]) is False
        with hooks.register_temporarily(portal_hooks.COURSE_MEMBER_CHECK, admit):
            assert portal_hooks.course_member_any(user=user, course_ids=[7]) is True
            assert portal_hooks.course_member_any(user=user, course_ids=[8]) is False
        assert portal_hooks.course_member_any(user=user, course_ids=[7]) is False


@pytest.fixture
def without_implementations(monkeypatch):
    """Empties extension points for one test, so only what it registers answers."""

    def empty(*names):
        hooks.search_for_hooks()  # later imports would fill the emptied lists
        for name in names:
            monkeypatch.setitem(hooks._hooks, name, [])

    return empty


class TestOrderedCombinations:
    def test_the_first_reason_in_order_refuses(self, without_implementations):
        name = portal_hooks.COMPLETION_GUARD
        without_implementations(name)

        def silent(*, user, module):
            return None

        def late(*, user, module):
            return "late"

        def early(*, user, module):
            return "early"

        refusal = portal_hooks.completion_refusal
        with hooks.register_temporarily(name, silent, order=-3):
            assert refusal(user=None, module=None) is None
            with (
                hooks.register_temporarily(name, late, order=-1),
                hooks.register_temporarily(name, early, order=-2),
            ):
                assert refusal(user=None, module=None) == "early"

    def test_module_state_merges_later_answers_over_earlier(
        self, without_implementations
    ):
        without_implementations(portal_hooks.MODULE_STATE)

        def first(*, user, course, modules):
            return {1: {"a": 1, "b": 1}, 2: {"a": 1}}

        def second(*, user, course, modules):
            return {1: {"b": 2}}

        with (
            hooks.register_temporarily(portal_hooks.MODULE_STATE, second, order=2),
            hooks.register_temporarily(portal_hooks.MODULE_STATE, first, order=1),
        ):
            state = portal_hooks.module_state_collect(
                user=None, course=None, modules=[]
            )
        assert state == {1: {"a": 1, "b": 2}, 2: {"a": 1}}

    def test_rows_are_concatenated_in_order(self, without_implementations):
        name = portal_hooks.USER_ASSESSMENT_HISTORY
        without_implementations(name)

        def one(*, user):
            return ["one"]

        def two(*, user):
            return ["two", "three"]

        with (
            hooks.register_temporarily(name, two, order=5),
            hooks.register_temporarily(name, one, order=1),
        ):
            assert portal_hooks.user_assessment_rows(user=None) == [
                "one",
                "two",
                "three",
            ]

    def test_demo_seeders_run_in_order(self, without_implementations):
        without_implementations(portal_hooks.DEMO_SEED)

        def seeder(label):
            def seed(report):
                report.lines.append(label)

            return seed

        with (
            hooks.register_temporarily(portal_hooks.DEMO_SEED, seeder("c"), order=30),
            hooks.register_temporarily(portal_hooks.DEMO_SEED, seeder("a"), order=0),
            hooks.register_temporarily(portal_hooks.DEMO_SEED, seeder("b"), order=10),
        ):
            report = DemoReport()
            portal_hooks.demo_seed_run(report=report)
        assert report.lines == ["a", "b", "c"]
