"""OpenAPI: every documented response wears the envelope, every operation documents
the error envelope, and only ``/api/`` paths are described.

Request bodies, query and path parameters are documented exactly as strictly as
the serializers and URL patterns check them, so that a schema-driven client or
fuzzer finds neither valid values refused nor invalid ones accepted."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import (
    ResolvedComponent,
    build_array_type,
    force_instance,
    get_override,
    is_serializer,
)
from rest_framework import serializers

from .fields import ID_SCHEMA, JSONListField, decimal_request_schema

ERROR_STATUSES = {
    "400": "Invalid input (`VALIDATION_ERROR`), one error per field.",
    "401": "`NOT_AUTHENTICATED` or `AUTHENTICATION_FAILED`.",
    "403": "`PERMISSION_DENIED`.",
    "404": "`NOT_FOUND`.",
    "405": "`METHOD_NOT_ALLOWED`.",
    "411": "`LENGTH_REQUIRED`: a body sent without Content-Length (chunked).",
    "413": "`PAYLOAD_TOO_LARGE`: over 1 MB, or over an upload endpoint's file limit.",
    "415": "`UNSUPPORTED_MEDIA_TYPE`.",
    "429": "`RATE_LIMITED`; see the `Retry-After` header.",
    "500": "`SERVER_ERROR`, without internals.",
}

_TIMESTAMP = {"type": "string", "format": "date-time"}

META = {
    "type": "object",
    "properties": {"timestamp": _TIMESTAMP, "version": {"type": "string"}},
    "required": ["timestamp", "version"],
}
PAGINATION = {
    "type": "object",
    "properties": {
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
        "pages": {"type": "integer"},
    },
    "required": ["page", "per_page", "total", "pages"],
}
ERROR_ITEM = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string"},
    },
    "required": ["code", "message"],
}


def envelope_schema(data_schema: dict, *, paginated: bool = False) -> dict:
    meta = META
    if paginated:
        meta = {
            **META,
            "properties": {**META["properties"], "pagination": PAGINATION},
            "required": [*META["required"], "pagination"],
        }
    return {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "data": data_schema,
            "meta": meta,
            "errors": {"type": "array", "items": ERROR_ITEM, "maxItems": 0},
        },
        "required": ["status", "data", "meta", "errors"],
    }


ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "data": {"nullable": True},
        "meta": META,
        "errors": {"type": "array", "items": ERROR_ITEM, "minItems": 1},
    },
    "required": ["status", "data", "meta", "errors"],
}


class OneOfEnvelopes:
    """A success response that takes one of several shapes, each in the envelope:
    ``OneOfEnvelopes(CourseProgressOutput, paginated=[LearnerProgressOutput])``
    documents either ``data: {…}`` or a paginated ``data: […]`` list."""

    def __init__(self, *objects, paginated=(), description: str = ""):
        self.objects = objects
        self.paginated = tuple(paginated)
        self.description = description


# A string that is not only whitespace (DRF trims it, then refuses it as blank) and
# holds no NUL (DRF refuses those too), in syntax both ECMA and Python read alike.
# Python's strip() also removes \x1c-\x1f and \x85, which ECMA's \s leaves out.
_NOT_BLANK = r"^[^\u0000]*[^\s\u0000\u001c-\u001f\u0085][^\u0000]*$"
# Where blank is allowed drf-spectacular adds a ``maxLength: 0`` alternative in a
# ``oneOf``, so this one must not match "" too.
_NO_NUL = r"^[^\u0000]+$"
# Structured input cannot travel in a form or multipart body.
_STRUCTURED_FIELDS = (
    serializers.BaseSerializer,
    serializers.ListField,
    serializers.DictField,
    serializers.JSONField,
)


class EnvelopeAutoSchema(AutoSchema):
    """Wraps each success body in the envelope (lists are wrapped by the paginator),
    and documents request fields as strictly as the serializers check them."""

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        if isinstance(serializer, OneOfEnvelopes):
            return self._one_of_envelopes(serializer, direction)
        response = super()._get_response_for_code(
            serializer, status_code, media_types, direction
        )
        if not str(status_code).startswith("2"):
            return response
        for media_type, media in response.get("content", {}).items():
            if not _is_json(media_type):
                continue  # files (PDF, HLS playlists) are not enveloped
            schema = media.get("schema", {})
            if not _is_enveloped(schema, self.registry):
                media["schema"] = envelope_schema(schema)
        return response

    def _one_of_envelopes(self, response: OneOfEnvelopes, direction: str) -> dict:
        shapes = []
        for item in response.objects:
            ref = self.resolve_serializer(force_instance(item), direction).ref
            shapes.append(envelope_schema(ref))
        for item in response.paginated:
            ref = self.resolve_serializer(force_instance(item), direction).ref
            shapes.append(envelope_schema(build_array_type(ref), paginated=True))
        return {
            "description": response.description,
            "content": {"application/json": {"schema": {"oneOf": shapes}}},
        }

    def map_parsers(self):
        media_types = super().map_parsers()
        if "application/json" in media_types and _is_structured(
            force_instance(self.get_request_serializer())
        ):
            return ["application/json"]
        return media_types

    def _get_request_for_media_type(self, serializer, direction="request"):
        method = self.method
        if method == "PATCH" and getattr(serializer, "partial_patch", True) is False:
            # This PATCH is a synonym of a PUT that takes the whole body.
            self.method = "PUT"
        try:
            schema, required = super()._get_request_for_media_type(
                serializer, direction
            )
        finally:
            self.method = method
        # A body whose ``schema_extra`` requires one of several fields is required.
        if "anyOf" in getattr(force_instance(serializer), "schema_extra", {}):
            required = True
        return schema, required

    def _map_basic_serializer(self, serializer, direction):
        # ``schema_extra`` on a serializer adds what fields alone cannot say, such
        # as "one of these two is required" (``anyOf`` of ``required`` lists).
        schema = super()._map_basic_serializer(serializer, direction)
        extra = getattr(serializer, "schema_extra", None)
        if extra and direction == "request":
            schema.update(extra)
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, JSONListField):
            return field.schema()
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or get_override(field, "field") is not None:
            return schema
        if isinstance(field, serializers.DecimalField):
            return decimal_request_schema(field)
        if (
            isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and not {"pattern", "format", "enum"} & set(schema)
            and not any(hasattr(v, "regex") for v in field.validators)
        ):
            blank_refused = field.trim_whitespace and not field.allow_blank
            schema["pattern"] = _NOT_BLANK if blank_refused else _NO_NUL
        return schema


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _is_structured(serializer) -> bool:
    """Whether a request body has nested objects or lists (JSON only)."""
    if not is_serializer(serializer) or not hasattr(serializer, "fields"):
        return False
    for field in serializer.fields.values():
        if field.read_only:
            continue
        if isinstance(field, _STRUCTURED_FIELDS):
            return True
        if _allows_structure(get_override(field, "field")):
            return True
    return False


def _allows_structure(schema) -> bool:
    """Whether a field's own schema (``@extend_schema_field``) admits an object or
    a list, directly or in one of its ``oneOf``/``anyOf`` alternatives."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") in ("array", "object"):
        return True
    alternatives = schema.get("oneOf", []) + schema.get("anyOf", [])
    return any(_allows_structure(alternative) for alternative in alternatives)


def _is_enveloped(schema: dict, registry) -> bool:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        component = registry._components.get((name, ResolvedComponent.SCHEMA))
        return bool(component) and _is_enveloped(component.schema or {}, registry)
    props = schema.get("properties", {})
    return {"status", "data", "meta", "errors"} <= set(props)


def only_api_paths(endpoints, **kwargs):
    """Preprocessing hook: describe only ``/api/`` paths, without the schema views."""
    return [
        (path, regex, method, callback)
        for path, regex, method, callback in endpoints
        if path.startswith("/api/")
    ]


def path_parameters(result, generator, request, public):
    """Postprocessing hook: path parameters promise only paths that route.

    Every ``*_id`` parameter is a positive integer of at most 18 digits, like the
    URL patterns (``0`` or ``-1`` would reach the "no API endpoint" 404, not the
    resource); patterns taken from URL regexes with a top-level ``|`` are grouped
    so that both anchors apply to every alternative.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "path":
                    continue
                schema = parameter.get("schema", {})
                pattern = schema.get("pattern", "")
                if parameter["name"].endswith("_id") and (
                    schema.get("type") == "integer"
                    or pattern in ("^[0-9]{1,18}$", "^[1-9][0-9]{0,17}$")
                ):
                    parameter["schema"] = dict(ID_SCHEMA)
                elif (
                    "|" in pattern
                    and pattern.startswith("^")
                    and pattern.endswith("$")
                    and not pattern.startswith("^(")
                ):
                    schema["pattern"] = f"^(?:{pattern[1:-1]})$"
    return result


def envelope_responses(result, generator, request, public):
    """Postprocessing hook: the error envelope as a component, referenced from every
    operation for the error statuses and as the ``default`` response."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE
    # Routes accept an optional trailing slash; API.md writes paths without one.
    result["paths"] = {
        (path.rstrip("/") or "/"): item
        for path, item in result.get("paths", {}).items()
    }
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            responses.setdefault(
                "default",
                {
                    "description": "Any other error, in the error envelope.",
                    "content": {"application/json": {"schema": ref}},
                },
            )
    return result
