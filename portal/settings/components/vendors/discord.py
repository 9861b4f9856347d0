"""Discord: account linking (django-allauth's Discord provider) and course roles in
the community's guild through the bot's REST API (``integrations/discord/``, used by
``learning.community``)."""

from . import vendor_settings

# Off (None) unless the OAuth2 application's DISCORD_CLIENT_ID and
# DISCORD_CLIENT_SECRET, the bot's DISCORD_BOT_TOKEN and the community's
# DISCORD_GUILD_ID are set. API_BASE is Discord's REST API (version 10) unless a test
# points the bot elsewhere.
DISCORD = vendor_settings(
    "DISCORD",
    required=["CLIENT_ID", "CLIENT_SECRET", "BOT_TOKEN", "GUILD_ID"],
    optional={"API_BASE": "https://discord.com/api/v10"},
)

if DISCORD is not None:
    # allauth reads its provider's app from settings (no SocialApp row to keep in
    # step); "identify" is all linking needs: the Discord user id and name, no
    # e-mail (so no account can be matched, or taken over, by an address).
    SOCIALACCOUNT_PROVIDERS = {
        "discord": {
            "APPS": [
                {
                    "client_id": DISCORD["CLIENT_ID"],
                    "secret": DISCORD["CLIENT_SECRET"],
                    "key": "",
                }
            ],
            "SCOPE": ["identify"],
        }
    }

    from ..security import CONTENT_SECURITY_POLICY as _POLICY

    # "Link Discord" posts here and is redirected to Discord's consent page;
    # browsers hold that redirect to the page's form-action.
    CONTENT_SECURITY_POLICY = {
        **_POLICY,
        "form-action": [*_POLICY["form-action"], "https://discord.com"],
    }
