"""Rate limits, one set for the API's throttles and the web sign-in (allauth)."""

from . import env

# Authentication rate limits (DRF rate syntax: N/s, N/min, N/hour, N/day). Login and
# MFA count failed attempts only; registration and password reset count every request.
THROTTLE_RATES = {
    "login_ip": env.str("THROTTLE_RATE_LOGIN_IP", default="100/hour"),
    # The per-account ceiling over all addresses: far above the per-address backoff
    # below, so that guessing from one address never locks the owner out.
    "login_account": env.str("THROTTLE_RATE_LOGIN_ACCOUNT", default="100/hour"),
    "register_ip": env.str("THROTTLE_RATE_REGISTER_IP", default="100/hour"),
    "password_reset": env.str("THROTTLE_RATE_PASSWORD_RESET", default="10/hour"),
    "mfa": env.str("THROTTLE_RATE_MFA", default="10/min"),
    "mfa_account": env.str("THROTTLE_RATE_MFA_ACCOUNT", default="10/hour"),
    # Submissions to an assessment with lab flags, per learner and assessment.
    "flag": env.str("THROTTLE_RATE_FLAG", default="10/min"),
    # Proctored exams: event reports per learner (see assessments/api/proctoring.py).
    "proctor_events": env.str("THROTTLE_RATE_PROCTOR_EVENTS", default="120/min"),
    # Wrong or missing SCIM bearer tokens per client address (corporate/scim).
    "scim_token": env.str("THROTTLE_RATE_SCIM_TOKEN", default="20/min"),
    # Requests to erase one's own account (each checks the password), per account.
    "privacy_erase": env.str("THROTTLE_RATE_PRIVACY_ERASE", default="5/hour"),
}

# Wrong passwords per (account, client address): free ones, then a wait that doubles
# with each further failure, up to a cap; forgotten this long after the last failure
# (see portal/accounts/backoff.py).
LOGIN_BACKOFF_FREE_FAILURES = env.int("LOGIN_BACKOFF_FREE_FAILURES", default=5)
LOGIN_BACKOFF_BASE_SECONDS = env.float("LOGIN_BACKOFF_BASE_SECONDS", default=2.0)
LOGIN_BACKOFF_MAX_SECONDS = env.float("LOGIN_BACKOFF_MAX_SECONDS", default=900.0)
LOGIN_BACKOFF_RESET_SECONDS = env.int("LOGIN_BACKOFF_RESET_SECONDS", default=3600)


def _allauth_rate(rate: str) -> str:
    """DRF's ``10/hour`` as allauth's ``10/h``."""
    count, _, period = rate.partition("/")
    return f"{count}/{period[:1]}"


# The web sign-in (allauth) counts failed logins with the same limits as the API.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{_allauth_rate(THROTTLE_RATES['login_ip'])}/ip,"
        f"{_allauth_rate(THROTTLE_RATES['login_account'])}/key"
    ),
    "signup": f"{_allauth_rate(THROTTLE_RATES['register_ip'])}/ip",
    "reset_password": f"{_allauth_rate(THROTTLE_RATES['password_reset'])}/ip",
    "reset_password_from_key": f"{_allauth_rate(THROTTLE_RATES['password_reset'])}/ip",
}
