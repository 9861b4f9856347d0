"""DoD-style session controls (``portal.accounts.services.session_controls``): the
sign-in notice, idle timeout per role, absolute session lifetime and the
concurrent-session limit per role. They apply to web sessions (middleware) and API
token families alike.

Role maps are read as ``role=value`` pairs separated by commas and override the
defaults role by role (``SESSION_IDLE_TIMEOUT_BY_ROLE=student=1800,admin=600``).
"""

from django.core.exceptions import ImproperlyConfigured

from . import env

ROLES = ("student", "instructor", "mentor", "admin", "corporate_rep")
STAFF_ROLES = ("instructor", "mentor", "admin", "corporate_rep")


def role_seconds(name: str, defaults: dict[str, int]) -> dict[str, int]:
    """``defaults`` overridden by the environment variable ``name``; every value a
    positive whole number of seconds (or sessions) and every key a role."""
    values = dict(defaults)
    for pair in env.list(name, default=[]):
        role, _, value = pair.partition("=")
        try:
            values[role.strip()] = int(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {pair!r} is not role=<whole number>."
            ) from None
    unknown = set(values) - set(ROLES)
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown roles {sorted(unknown)}.")
    if any(value < 0 for value in values.values()):
        raise ImproperlyConfigured(f"{name}: values must not be negative.")
    return values


# A notice shown on the sign-in page that must be accepted before signing in: empty
# (default) shows none; "usg" shows the standard DoD Notice and Consent Banner ("You
# are accessing a U.S. Government (USG) Information System (IS) ..."); anything
# else is the notice itself (blank lines separate paragraphs, lines starting with
# "- " make a list).
SIGN_IN_NOTICE = env.str("SIGN_IN_NOTICE", default="", multiline=True)

# Seconds without a request after which a session ends: 15 minutes for staff roles,
# an hour for students. 0 turns the idle timeout off for that role.
SESSION_IDLE_TIMEOUT_BY_ROLE = role_seconds(
    "SESSION_IDLE_TIMEOUT_BY_ROLE",
    {"student": 60 * 60, **dict.fromkeys(STAFF_ROLES, 15 * 60)},
)
# The page warns this many seconds before the idle timeout ends the session, with
# "Stay signed in" (static/js/session-timeout.js).
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=120)
# A session ends this long after sign-in, whatever the activity (web sessions and
# API token families; the session cookie lives no longer either).
SESSION_ABSOLUTE_LIFETIME_SECONDS = env.int(
    "SESSION_ABSOLUTE_LIFETIME_SECONDS", default=12 * 60 * 60
)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME_SECONDS
# Sessions (web and API together) a person of the role may hold at once; a sign-in
# beyond the limit ends that person's oldest sessions. Roles left out (students by
# default) or set to 0 have no limit.
SESSION_CONCURRENT_LIMIT_BY_ROLE = role_seconds(
    "SESSION_CONCURRENT_LIMIT_BY_ROLE", dict.fromkeys(STAFF_ROLES, 3)
)
if SESSION_ABSOLUTE_LIFETIME_SECONDS <= 0:
    raise ImproperlyConfigured("SESSION_ABSOLUTE_LIFETIME_SECONDS must be positive.")
