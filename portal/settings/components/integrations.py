"""The one policy for calls to outside systems (``integrations/resilience.py``):
timeouts, retries and the circuit breaker, the same for every vendor. Vendors'
own keys live in ``vendors/``."""

from . import env

# Seconds to wait for a vendor to connect and to answer each request.
INTEGRATIONS_TIMEOUT_SECONDS = env.float("INTEGRATIONS_TIMEOUT_SECONDS", default=10.0)
# Tries per call (1 = no retry); only transient failures are retried.
INTEGRATIONS_RETRY_ATTEMPTS = env.int("INTEGRATIONS_RETRY_ATTEMPTS", default=3)
# Longest wait between tries, whether backoff or the vendor's Retry-After asks more.
INTEGRATIONS_RETRY_MAX_WAIT_SECONDS = env.float(
    "INTEGRATIONS_RETRY_MAX_WAIT_SECONDS", default=30.0
)
# Consecutive transient failures that open a vendor's circuit, and seconds it stays
# open before one trial call may test the vendor again.
INTEGRATIONS_BREAKER_FAIL_MAX = env.int("INTEGRATIONS_BREAKER_FAIL_MAX", default=5)
INTEGRATIONS_BREAKER_RESET_SECONDS = env.float(
    "INTEGRATIONS_BREAKER_RESET_SECONDS", default=60.0
)
