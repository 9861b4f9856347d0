"""OpenAPI: every documented response wears the envelope, every operation documents
the error envelope, and only ``/api/`` paths are described."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_STATUSES = {
    "400": "Invalid input (`VALIDATION_ERROR`), one error per field.",
    "401": "`NOT_AUTHENTICATED` or `AUTHENTICATION_FAILED`.",
    "403": "`PERMISSION_DENIED`.",
    "404": "`NOT_FOUND`.",
    "405": "`METHOD_NOT_ALLOWED`.",
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


class EnvelopeAutoSchema(AutoSchema):
    """Wraps each success body in the envelope (lists are wrapped by the paginator)."""

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(
            serializer, status_code, media_types, direction
        )
        if not str(status_code).startswith("2"):
            return response
        for media in response.get("content", {}).values():
            schema = media.get("schema", {})
            if not _is_enveloped(schema, self.registry):
                media["schema"] = envelope_schema(schema)
        return response


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
