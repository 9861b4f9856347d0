"""Erasure and export of a person's Discord link: the link goes at once, the
portal's roles are removed from the Discord account and then nothing of it stays."""

import pytest
from allauth.socialaccount.models import SocialAccount

from learning.community.models import DiscordMember
from learning.services import enrollment_create
from portal.hooks import personal_data_erase_all, personal_data_export_collect
from tests.portal.factories import UserFactory

from .conftest import DISCORD_ID, ENROLLED, UNMANAGED, link

pytestmark = pytest.mark.django_db


def test_export_lists_the_link(member):
    sections = personal_data_export_collect(user=member)
    assert [row["uid"] for row in sections["community.linked_accounts"]] == [DISCORD_ID]


def test_erasure_removes_our_roles_then_forgets_the_account(
    member, course, fake_discord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(actor=member, course_id=course.pk)
    assert fake_discord.members[DISCORD_ID] == {UNMANAGED, ENROLLED}

    with django_capture_on_commit_callbacks(execute=True):
        steps = personal_data_erase_all(user=member)

    assert not SocialAccount.objects.filter(user=member).exists()
    # The bot removed the role it gave, left the member's own, and the row is gone.
    assert fake_discord.members[DISCORD_ID] == {UNMANAGED}
    assert not DiscordMember.objects.filter(discord_user_id=DISCORD_ID).exists()
    actions = {step.model: step.action for step in steps}
    assert actions["socialaccount.SocialAccount"] == "deleted"


def test_without_discord_configured_the_rows_go_at_once(db):
    user = UserFactory()
    link(user)
    DiscordMember.objects.create(discord_user_id=DISCORD_ID, user=user)
    other = UserFactory()
    link(other, "200000000000000009", "grace")

    personal_data_erase_all(user=user)

    assert not DiscordMember.objects.exists()
    assert list(SocialAccount.objects.values_list("user_id", flat=True)) == [other.pk]
