"""SCIM 2.0 provisioning at /scim/v2/ (corporate/scim)."""

from . import env

# The most Users or Groups one list answer returns (the ``count`` ceiling,
# published as ``filter.maxResults`` in /ServiceProviderConfig).
SCIM_MAX_RESULTS = env.int("SCIM_MAX_RESULTS", default=200)
