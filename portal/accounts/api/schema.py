"""OpenAPI description of our JWT authentication (drf-spectacular extension)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class PortalJWTScheme(SimpleJWTScheme):
    target_class = "portal.accounts.api.authentication.PortalJWTAuthentication"
    name = "jwtAuth"
