"""The REST API: DRF defaults (JWT, envelope, pagination), token lifetimes and the
OpenAPI schema."""

from datetime import timedelta

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.accounts.api.authentication.PortalJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.accounts.permissions.MFAEnrolled",
    ],
    "DEFAULT_RENDERER_CLASSES": ["portal.api.renderers.EnvelopeJSONRenderer"],
    # The JSON parser refuses nesting too deep for Python and lone surrogates, which
    # parse as JSON but fail later with a 500 (portal/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.api.negotiation.JSONOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    # simplejwt's access token, its signature check remembered per process.
    "AUTH_TOKEN_CLASSES": ("portal.accounts.tokens.PortalAccessToken",),
    "USER_ID_CLAIM": "user_id",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Learning portal API",
    "DESCRIPTION": (
        "Every response, success or error, is wrapped in the envelope "
        "`{status, data, meta, errors}`. Lists carry `meta.pagination`."
    ),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_api_paths"],
    # Several models have a "status"; name each choice set instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "EnvelopeStatusEnum": ["success"],
        "EnrollmentStatusEnum": "learning.models.EnrollmentStatus",
        "CourseStatusEnum": "content.models.CourseStatus",
        "VideoStatusEnum": "content.media.VideoStatus",
        "MembershipRoleEnum": "corporate.models.OrganizationMembership.Role",
        "JobStatusEnum": "portal.jobs.models.JobStatus",
        "RoleEnum": "portal.accounts.models.Role",
        "ClearanceLevelEnum": "portal.accounts.models.ClearanceLevel",
        "TalentClearanceEnum": "corporate.talent.models.Clearance",
        "OrderStatusEnum": "learning.payments.models.OrderStatus",
        "DeliveryStatusEnum": "portal.webhooks.models.DeliveryStatus",
        "SkillBridgeOutcomeEnum": "corporate.skillbridge.models.Outcome",
        "EnrollmentSourceEnum": "learning.models.EnrollmentSource",
        "SkillEvidenceSourceEnum": ["question", "flag"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.envelope_responses",
        "portal.api.schema.path_parameters",
    ],
}
