import pytest
from allauth.socialaccount.models import SocialAccount

from learning.community.models import CourseDiscordRoles
from tests.integrations.discord.fake import discord_switched_on
from tests.portal.factories import UserFactory

ENROLLED = "500000000000000001"
COMPLETED = "500000000000000002"
CERTIFIED = "500000000000000003"
UNMANAGED = "600000000000000001"
DISCORD_ID = "200000000000000001"


def link(user, discord_id: str = DISCORD_ID, username: str = "ada") -> SocialAccount:
    """A Discord account linked to ``user``, as allauth's connect flow leaves it
    (the flow itself is tested in test_linking.py)."""
    return SocialAccount.objects.create(
        user=user,
        provider="discord",
        uid=discord_id,
        extra_data={"id": discord_id, "username": username, "global_name": None},
    )


@pytest.fixture
def fake_discord(httpserver, settings):
    """Discord switched on and answered by the local server."""
    with discord_switched_on(httpserver, settings) as fake:
        yield fake


@pytest.fixture
def roles(course):
    return CourseDiscordRoles.objects.create(
        course=course,
        enrolled_role_id=ENROLLED,
        completed_role_id=COMPLETED,
        certified_role_id=CERTIFIED,
    )


@pytest.fixture
def member(db, fake_discord, roles):
    """A learner who linked Discord and is in the guild (with a role of its own)."""
    user = UserFactory()
    link(user)
    fake_discord.members[DISCORD_ID] = {UNMANAGED}
    return user
