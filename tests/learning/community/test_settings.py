"""Discord is off until its four keys are set, and then turns on allauth's provider
app and lets the link form reach discord.com; other vendors' settings stay."""

from tests.support import result_of, run_python

SHOW = """
import json, django
django.setup()
from django.conf import settings
print("RESULT " + json.dumps({
    "discord": settings.DISCORD,
    "providers": settings.SOCIALACCOUNT_PROVIDERS,
    "form_action": settings.CONTENT_SECURITY_POLICY["form-action"],
}))
"""

KEYS = {
    "DISCORD_CLIENT_ID": "300000000000000001",
    "DISCORD_CLIENT_SECRET": "secret",
    "DISCORD_BOT_TOKEN": "token",
    "DISCORD_GUILD_ID": "100000000000000001",
}
UNSET = dict.fromkeys(KEYS, "") | {
    "STRIPE_SECRET_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
}


def show(**env: str) -> dict:
    completed = run_python(
        SHOW, DJANGO_SETTINGS_MODULE="portal.settings.dev", **{**UNSET, **env}
    )
    assert completed.returncode == 0, completed.stderr
    return result_of(completed.stdout)


class TestDiscordSettings:
    def test_without_keys_discord_and_its_provider_are_off(self):
        result = show()
        assert result["discord"] is None
        assert result["providers"] == {}
        assert "https://discord.com" not in result["form_action"]

    def test_the_keys_turn_it_on_next_to_stripe(self):
        result = show(
            **KEYS, STRIPE_SECRET_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET="whsec_x"
        )
        assert result["discord"]["API_BASE"] == "https://discord.com/api/v10"
        assert result["discord"]["GUILD_ID"] == KEYS["DISCORD_GUILD_ID"]
        app = result["providers"]["discord"]["APPS"][0]
        assert app["client_id"] == KEYS["DISCORD_CLIENT_ID"]
        assert result["providers"]["discord"]["SCOPE"] == ["identify"]
        # Both vendors' pages are reachable from the portal's forms.
        assert "https://discord.com" in result["form_action"]
        assert "https://checkout.stripe.com" in result["form_action"]

    def test_some_keys_only_refuse_to_start(self):
        completed = run_python(
            SHOW,
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            **{**UNSET, "DISCORD_BOT_TOKEN": "token"},
        )
        assert completed.returncode != 0
        assert "DISCORD_CLIENT_ID" in completed.stderr
