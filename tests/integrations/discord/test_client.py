"""The bot client against a local server answering as Discord: members and roles,
the rate-limit headers and 429s (the client waits and retries), the shared
retries and circuit breaker, and nothing at all without keys."""

import time

import pytest

from integrations.discord.client import (
    DiscordBot,
    DiscordRateLimited,
    discord_configured,
)
from integrations.http import OutsideCallRejected
from integrations.resilience import CircuitOpenError, TransientError, vendor_breaker

from .fake import GUILD_ID

MEMBER = "200000000000000001"
ROLE = "400000000000000001"
OTHER_ROLE = "400000000000000002"


@pytest.fixture
def bot(fake_discord):
    fake_discord.members[MEMBER] = {OTHER_ROLE}
    with DiscordBot() as bot:
        yield bot


class TestMembersAndRoles:
    def test_reads_a_member_with_their_roles(self, fake_discord, bot):
        member = bot.member_get(user_id=MEMBER)

        assert member.user_id == MEMBER
        assert member.roles == {OTHER_ROLE}
        call = fake_discord.calls_to("GET")[0]
        assert call.path == f"/api/v10/guilds/{GUILD_ID}/members/{MEMBER}"
        assert call.headers["Authorization"] == "Bot bot-token-for-tests"

    def test_a_user_outside_the_guild_is_none(self, fake_discord, bot):
        assert bot.member_get(user_id="200000000000000999") is None
        assert bot.member_role_add(user_id="200000000000000999", role_id=ROLE) is False

    def test_adds_and_removes_a_role_with_an_audit_reason(self, fake_discord, bot):
        assert bot.member_role_add(user_id=MEMBER, role_id=ROLE, reason="enrolled")
        assert fake_discord.members[MEMBER] == {ROLE, OTHER_ROLE}
        put = fake_discord.calls_to("PUT")[0]
        assert put.path.endswith(f"/members/{MEMBER}/roles/{ROLE}")
        assert put.headers["X-Audit-Log-Reason"] == "enrolled"

        assert bot.member_role_remove(user_id=MEMBER, role_id=ROLE)
        assert fake_discord.members[MEMBER] == {OTHER_ROLE}

    def test_ids_that_are_not_snowflakes_never_reach_discord(self, fake_discord, bot):
        with pytest.raises(ValueError, match="not a Discord id"):
            bot.member_role_add(user_id=MEMBER, role_id="../../users/@me")
        assert fake_discord.calls == []

    def test_a_refusal_is_not_retried(self, fake_discord, bot):
        fake_discord.fail_next(1, status=403)
        with pytest.raises(OutsideCallRejected) as caught:
            bot.member_role_add(user_id=MEMBER, role_id=ROLE)
        assert caught.value.status == 403
        assert len(fake_discord.calls) == 1


class TestRateLimits:
    def test_a_429_is_waited_out_for_its_retry_after_then_sent_again(
        self, fake_discord, bot
    ):
        fake_discord.rate_limit_next(1, retry_after=0.4)

        started = time.monotonic()
        assert bot.member_role_add(user_id=MEMBER, role_id=ROLE)
        elapsed = time.monotonic() - started

        first, second = fake_discord.calls
        assert (first.status, second.status) == (429, 204)
        assert second.at - first.at >= 0.4
        # The JSON's retry_after (0.4 s), not the whole-second Retry-After header.
        assert 0.4 <= elapsed < 0.9
        assert ROLE in fake_discord.members[MEMBER]

    def test_rate_limits_never_open_the_circuit(self, fake_discord, bot, settings):
        settings.INTEGRATIONS_RETRY_ATTEMPTS = 1
        # Three calls, each 429'd on all its tries (more than the breaker's 3).
        fake_discord.rate_limit_next(3 * 3, retry_after=0.01)
        for _ in range(3):
            with pytest.raises(DiscordRateLimited):
                bot.member_get(user_id=MEMBER)

        assert vendor_breaker(vendor="discord").current_state == "closed"
        assert vendor_breaker(vendor="discord").fail_counter == 0
        assert bot.member_get(user_id=MEMBER) is not None

    def test_a_global_429_holds_every_route(self, fake_discord, bot, settings):
        settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 1
        fake_discord.rate_limit_next(1, retry_after=30, is_global=True)
        with pytest.raises(DiscordRateLimited):
            bot.member_get(user_id=MEMBER)

        # Another route waits for the bot's global limit too: nothing is sent.
        with pytest.raises(DiscordRateLimited) as caught:
            bot.member_role_add(user_id=MEMBER, role_id=ROLE)
        assert caught.value.retry_after > 29
        assert [call.status for call in fake_discord.calls] == [429]

    def test_a_spent_bucket_is_waited_for_before_sending(self, fake_discord, bot):
        fake_discord.limit, fake_discord.window = 2, 0.5

        for _ in range(3):
            bot.member_role_add(user_id=MEMBER, role_id=ROLE)

        puts = fake_discord.calls_to("PUT")
        # The third request waited for the reset instead of drawing a 429.
        assert [call.status for call in puts] == [204, 204, 204]
        assert puts[2].at - puts[0].at >= 0.4

    def test_a_wait_longer_than_a_call_may_sleep_is_handed_back(
        self, fake_discord, bot, settings
    ):
        settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 1
        fake_discord.rate_limit_next(1, retry_after=30)

        with pytest.raises(DiscordRateLimited) as caught:
            bot.member_role_add(user_id=MEMBER, role_id=ROLE)
        assert 29 <= caught.value.retry_after <= 30

        # The bucket is known to be spent: the next call does not even ask.
        with pytest.raises(DiscordRateLimited):
            bot.member_role_add(user_id=MEMBER, role_id=ROLE)
        assert len(fake_discord.calls) == 1
        assert vendor_breaker(vendor="discord").fail_counter == 0


class TestPolicy:
    def test_a_503_is_retried_with_backoff(self, fake_discord, bot):
        fake_discord.fail_next(2, status=503)
        assert bot.member_get(user_id=MEMBER).roles == {OTHER_ROLE}
        assert [call.status for call in fake_discord.calls] == [503, 503, 200]

    def test_the_breaker_opens_after_repeated_failures_and_closes_after_recovery(
        self, fake_discord, bot, settings
    ):
        settings.INTEGRATIONS_RETRY_ATTEMPTS = 1
        # Whole seconds: the shared (Redis) state keeps the opening time in seconds.
        settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 2
        fake_discord.fail_next(3, status=502)
        for _ in range(3):
            with pytest.raises(TransientError):
                bot.member_get(user_id=MEMBER)

        # Open: refused without reaching Discord.
        with pytest.raises(CircuitOpenError):
            bot.member_get(user_id=MEMBER)
        assert len(fake_discord.calls) == 3

        # After the reset timeout one trial call reaches Discord, succeeds, and
        # closes the circuit.
        time.sleep(2.1)
        assert bot.member_get(user_id=MEMBER) is not None
        assert vendor_breaker(vendor="discord").current_state == "closed"
        assert bot.member_get(user_id=MEMBER) is not None
        assert len(fake_discord.calls) == 5


class TestNotConfigured:
    def test_without_keys_discord_is_off_and_no_client_is_built(self, settings):
        settings.DISCORD = None
        assert not discord_configured()
        with pytest.raises(RuntimeError):
            DiscordBot()
