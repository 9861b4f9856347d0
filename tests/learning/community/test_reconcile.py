"""The nightly reconcile: every linked learner's roles are compared with their
courses at Discord and repaired; roles the portal does not manage are never
touched; accounts left unlinked lose our roles."""

import pytest
from django.conf import settings as django_settings

from learning.community.models import DiscordMember, MemberState
from learning.community.tasks import reconcile_discord
from learning.services import enrollment_create
from tests.portal.factories import UserFactory

from .conftest import CERTIFIED, COMPLETED, DISCORD_ID, ENROLLED, UNMANAGED, link

pytestmark = pytest.mark.django_db

OTHER_ID = "200000000000000002"
GONE_ID = "200000000000000003"


class TestReconcile:
    def test_it_is_on_celery_beat(self):
        entry = django_settings.CELERY_BEAT_SCHEDULE["reconcile-discord-roles"]
        assert entry["task"] == reconcile_discord.name

    def test_drift_is_repaired_and_roles_we_do_not_manage_are_kept(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        enrollment_create(actor=member, course_id=course.pk)
        # Drift made at Discord by hand: our enrolled role taken away, our
        # completed and certified roles given without reason.
        fake_discord.members[DISCORD_ID] = {UNMANAGED, COMPLETED, CERTIFIED}
        # Another linked learner, in no course, holding our role and one of theirs.
        other = UserFactory()
        link(other, OTHER_ID, "grace")
        fake_discord.members[OTHER_ID] = {ENROLLED, "600000000000000009"}

        with django_capture_on_commit_callbacks(execute=True):
            result = reconcile_discord.delay().get()

        assert result == {"synced": 2, "stripped": 0}
        assert fake_discord.members[DISCORD_ID] == {UNMANAGED, ENROLLED}
        assert fake_discord.members[OTHER_ID] == {"600000000000000009"}
        touched = {call.path.rsplit("/", 1)[-1] for call in fake_discord.calls}
        assert UNMANAGED not in touched

    def test_a_second_run_changes_nothing(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        enrollment_create(actor=member, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            reconcile_discord.delay()
        writes = [c for c in fake_discord.calls if c.method != "GET"]

        with django_capture_on_commit_callbacks(execute=True):
            reconcile_discord.delay()

        assert [c for c in fake_discord.calls if c.method != "GET"] == writes

    def test_accounts_left_unlinked_lose_our_roles(
        self, roles, fake_discord, django_capture_on_commit_callbacks
    ):
        # An unlink whose task was lost, and a link that vanished with its user.
        DiscordMember.objects.create(
            discord_user_id=OTHER_ID, state=MemberState.UNLINKING
        )
        DiscordMember.objects.create(discord_user_id=GONE_ID, user=None)
        fake_discord.members[OTHER_ID] = {ENROLLED, UNMANAGED}
        fake_discord.members[GONE_ID] = {CERTIFIED}

        with django_capture_on_commit_callbacks(execute=True):
            result = reconcile_discord.delay().get()

        assert result == {"synced": 0, "stripped": 2}
        assert fake_discord.members[OTHER_ID] == {UNMANAGED}
        assert fake_discord.members[GONE_ID] == set()
        assert not DiscordMember.objects.exists()

    def test_without_keys_it_does_nothing(self, settings, httpserver, member):
        settings.DISCORD = None
        assert reconcile_discord.delay().get() == {"synced": 0, "stripped": 0}
        assert httpserver.log == []
