"""Linking Discord through django-allauth's Discord provider, against a local server
standing in for discord.com's OAuth2 token and ``/users/@me`` endpoints: only a
signed-in user who signed in recently links (MFA-aware reauthentication), Discord
never signs anyone in or up; unlinking removes our roles, then the link; nobody
unlinks or sees another's link."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.discord.views import DiscordOAuth2Adapter
from django.contrib.auth import get_user_model

from learning.community.models import DiscordMember
from learning.services import enrollment_create
from portal.audit.models import AuditLog
from tests.integrations.discord.fake import CLIENT_ID
from tests.portal.factories import PASSWORD, UserFactory

from .conftest import DISCORD_ID, ENROLLED, UNMANAGED, link

pytestmark = pytest.mark.django_db

CONNECT = "/accounts/discord/login/?process=connect&next=/accounts/profile/"
CALLBACK = "/accounts/discord/login/callback/"
UNLINK = "/community/discord/unlink/"


@pytest.fixture
def discord_oauth(fake_discord, httpserver, monkeypatch):
    """allauth's Discord adapter pointed at the local server (its URLs are class
    attributes); the real adapter, OAuth2 client and HTTP calls run."""
    monkeypatch.setattr(
        DiscordOAuth2Adapter,
        "access_token_url",
        httpserver.url_for("/api/oauth2/token"),
    )
    monkeypatch.setattr(
        DiscordOAuth2Adapter, "profile_url", httpserver.url_for("/api/users/@me")
    )
    monkeypatch.setattr(
        DiscordOAuth2Adapter,
        "authorize_url",
        httpserver.url_for("/api/oauth2/authorize"),
    )
    return fake_discord


def sign_in(client, user) -> None:
    """Sign in the way a person does (allauth's form)."""
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content


def reauthenticate(client) -> None:
    """Confirm the password again, as allauth asks before changing the links."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content


def authorize(client, start: str = CONNECT) -> str:
    """Start the flow like the profile's button; the ``state`` Discord gets back."""
    response = client.post(start)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == "/api/oauth2/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["identify"]
    return query["state"][0]


def discord_returns(client, code: str, state: str):
    return client.get(CALLBACK, {"code": code, "state": state})


class TestLinking:
    def test_a_signed_in_user_links_discord_and_gets_their_course_roles(
        self, client, roles, course, discord_oauth, django_capture_on_commit_callbacks
    ):
        user = UserFactory()
        enrollment_create(actor=user, course_id=course.pk)
        discord_oauth.members[DISCORD_ID] = {UNMANAGED}
        discord_oauth.oauth_user("code-1", user_id=DISCORD_ID, username="ada")
        sign_in(client, user)
        state = authorize(client)

        response = discord_returns(client, "code-1", state)
        # Linking asks for the password again (MFA users: their code) ...
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
        assert not SocialAccount.objects.exists()
        # ... and then finishes the link.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(response["Location"], {"password": PASSWORD})

        assert response.status_code == 302
        assert response["Location"] == "/accounts/profile/"
        account = SocialAccount.objects.get(provider="discord")
        assert (account.user, account.uid) == (user, DISCORD_ID)
        token_request = discord_oauth.token_requests[0]
        assert token_request["code"] == "code-1"
        assert token_request["redirect_uri"].endswith(CALLBACK)
        assert discord_oauth.members[DISCORD_ID] == {UNMANAGED, ENROLLED}
        assert AuditLog.objects.filter(action="discord.linked", user=user).exists()

        page = client.get("/accounts/profile/").content.decode()
        assert "Linked to the Discord account <strong>Ada</strong>" in page
        assert f'action="{UNLINK}"' in page

    def test_linking_is_refused_without_the_password_again(self, client, discord_oauth):
        user = UserFactory()
        sign_in(client, user)
        discord_oauth.oauth_user("code-2", user_id=DISCORD_ID, username="ada")
        state = authorize(client)

        reauthenticate = discord_returns(client, "code-2", state)["Location"]
        response = client.post(reauthenticate, {"password": "not-the-password"})

        assert response.status_code == 200  # the form again, with its error
        assert not SocialAccount.objects.exists()

    def test_discord_signs_nobody_in_even_with_a_linked_account(
        self, client, discord_oauth
    ):
        owner = UserFactory()
        link(owner)
        discord_oauth.oauth_user("code-3", user_id=DISCORD_ID, username="ada")
        state = authorize(client, "/accounts/discord/login/")

        response = discord_returns(client, "code-3", state)

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        assert "_auth_user_id" not in client.session
        assert client.get("/accounts/profile/").status_code == 302

    def test_discord_signs_nobody_up(self, client, discord_oauth):
        users = get_user_model().objects.count()
        discord_oauth.oauth_user("code-4", user_id=DISCORD_ID, username="ada")
        state = authorize(client, "/accounts/discord/login/?process=login")

        discord_returns(client, "code-4", state)
        # Even allauth's sign-up form for a social account is closed.
        client.post(
            "/accounts/3rdparty/signup/",
            {"email": "new-learner@example.com", "first_name": "N", "last_name": "L"},
        )

        assert get_user_model().objects.count() == users
        assert not SocialAccount.objects.exists()
        assert "_auth_user_id" not in client.session

    def test_an_account_linked_to_someone_else_stays_theirs(
        self, client, discord_oauth
    ):
        owner, other = UserFactory(), UserFactory()
        link(owner)
        discord_oauth.oauth_user("code-5", user_id=DISCORD_ID, username="ada")
        sign_in(client, other)
        state = authorize(client)

        discord_returns(client, "code-5", state)

        assert list(SocialAccount.objects.values_list("user_id", flat=True)) == [
            owner.pk
        ]

    def test_the_sign_in_page_offers_no_discord(self, client, discord_oauth):
        page = client.get("/accounts/login/").content.decode()
        assert "/accounts/discord/login/" not in page


class TestUnlinking:
    @pytest.fixture
    def enrolled_member(self, member, course, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=member, course_id=course.pk)
        return member

    def test_unlinking_removes_our_roles_then_the_link(
        self, client, enrolled_member, fake_discord, django_capture_on_commit_callbacks
    ):
        assert fake_discord.members[DISCORD_ID] == {ENROLLED, UNMANAGED}
        client.force_login(enrolled_member)

        with django_capture_on_commit_callbacks() as queued:
            response = client.post(UNLINK)
            # The link is gone at once; Discord is asked only after commit.
            assert not SocialAccount.objects.exists()
            assert fake_discord.calls_to("DELETE") == []
        for callback in queued:
            callback()

        assert response.status_code == 302
        assert fake_discord.members[DISCORD_ID] == {UNMANAGED}
        assert not DiscordMember.objects.exists()
        assert AuditLog.objects.filter(
            action="discord.unlinked", user=enrolled_member
        ).exists()

    def test_unlinking_on_allauths_own_page_removes_our_roles_too(
        self, client, enrolled_member, fake_discord, django_capture_on_commit_callbacks
    ):
        sign_in(client, enrolled_member)
        reauthenticate(client)
        account = SocialAccount.objects.get(user=enrolled_member)

        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/3rdparty/", {"account": account.pk})

        assert not SocialAccount.objects.exists()
        assert fake_discord.members[DISCORD_ID] == {UNMANAGED}

    def test_nobody_unlinks_or_sees_someone_elses_link(
        self, client, enrolled_member, fake_discord, django_capture_on_commit_callbacks
    ):
        other = UserFactory()
        sign_in(client, other)
        reauthenticate(client)
        account = SocialAccount.objects.get(user=enrolled_member)
        calls = len(fake_discord.calls)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(UNLINK)
            client.post("/accounts/3rdparty/", {"account": account.pk})

        assert SocialAccount.objects.filter(pk=account.pk).exists()
        assert len(fake_discord.calls) == calls
        assert fake_discord.members[DISCORD_ID] == {ENROLLED, UNMANAGED}
        page = client.get("/accounts/profile/").content.decode()
        assert "ada" not in page
        assert DISCORD_ID not in page
        assert "Link Discord" in page

    def test_unlinking_needs_a_signed_in_post(self, client, member):
        assert client.post(UNLINK)["Location"].startswith("/accounts/login/")
        client.force_login(member)
        assert client.get(UNLINK).status_code == 405
        assert SocialAccount.objects.filter(user=member).exists()


class TestProfilePanelWithoutKeys:
    def test_the_portal_says_discord_is_not_configured(self, client, settings):
        settings.DISCORD = None
        settings.SOCIALACCOUNT_PROVIDERS = {}
        client.force_login(UserFactory())

        response = client.get("/accounts/profile/")

        assert response.status_code == 200
        page = response.content.decode()
        assert "Discord isn't configured on this portal." in page
        assert "Link Discord" not in page

    def test_the_link_url_answers_not_found(self, client, settings):
        settings.DISCORD = None
        settings.SOCIALACCOUNT_PROVIDERS = {}
        client.force_login(UserFactory())
        assert client.post(CONNECT).status_code == 404
        assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404
