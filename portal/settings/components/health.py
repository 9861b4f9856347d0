"""Health checks: per-check time budget and the usage limits that make /health/ fail."""

from . import env

HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=1.5)
HEALTH_DISK_MAX_USAGE_PERCENT = env.float("HEALTH_DISK_MAX_USAGE_PERCENT", default=95)
HEALTH_MEMORY_MAX_USAGE_PERCENT = env.float(
    "HEALTH_MEMORY_MAX_USAGE_PERCENT", default=95
)
# Bearer token that lets a monitor see the dependencies' error strings on /health/
# (admins see them too); empty: only admins. Everyone else sees each check's status.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")
