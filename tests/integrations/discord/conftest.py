import pytest

from .fake import discord_switched_on


@pytest.fixture
def fake_discord(httpserver, settings):
    """Discord switched on and answered by the local server."""
    with discord_switched_on(httpserver, settings) as fake:
        yield fake
