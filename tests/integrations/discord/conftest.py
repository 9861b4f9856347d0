import pytest

from integrations.discord.ratelimits import rate_limiter
from integrations.resilience import vendor_breaker

from .fake import API, BOT_TOKEN, CLIENT_ID, CLIENT_SECRET, GUILD_ID, FakeDiscord


@pytest.fixture
def fast_policy(settings):
    """Tests wait fractions of a second, not the production backoff."""
    settings.INTEGRATIONS_RETRY_ATTEMPTS = 3
    settings.INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = 2
    settings.INTEGRATIONS_BREAKER_FAIL_MAX = 3
    settings.INTEGRATIONS_BREAKER_RESET_SECONDS = 60
    settings.INTEGRATIONS_TIMEOUT_SECONDS = 2


def discord_settings(httpserver) -> dict:
    return {
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "BOT_TOKEN": BOT_TOKEN,
        "GUILD_ID": GUILD_ID,
        "API_BASE": httpserver.url_for(API),
    }


@pytest.fixture
def fake_discord(httpserver, settings, fast_policy):
    """Discord switched on and answered by the local server."""
    settings.DISCORD = discord_settings(httpserver)
    rate_limiter.clear()
    vendor_breaker(vendor="discord").close()
    yield FakeDiscord(httpserver)
    rate_limiter.clear()
    vendor_breaker(vendor="discord").close()
