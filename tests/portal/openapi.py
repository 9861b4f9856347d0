"""Validate real API responses and request values against the generated OpenAPI
document, the way a schema-driven client or fuzzer would."""

import copy
from functools import cache

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@cache
def _document() -> dict:
    return _nullable_to_json_schema(SchemaGenerator().get_schema(public=True))


def openapi_document() -> dict:
    return copy.deepcopy(_document())


def _nullable_to_json_schema(node):
    """OpenAPI 3.0 ``nullable: true`` is JSON Schema's ``null`` type."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _validator(schema: dict) -> jsonschema.Draft7Validator:
    components = _document()["components"]
    target = {**schema, "components": components}
    return jsonschema.Draft7Validator(target)


def response_schema(path: str, method: str, status: str = "200") -> dict:
    operation = _document()["paths"][path][method]
    return operation["responses"][status]["content"]["application/json"]["schema"]


def assert_response_matches(response, path: str, method: str = "get") -> None:
    """The response body validates against the documented schema of its status."""
    schema = response_schema(path, method, str(response.status_code))
    errors = list(_validator(schema).iter_errors(response.json()))
    assert not errors, [error.message for error in errors]


def is_valid(schema: dict, value) -> bool:
    return _validator(schema).is_valid(value)


def path_parameter(path: str, method: str, name: str) -> dict:
    operation = _document()["paths"][path][method]
    for parameter in operation["parameters"]:
        if parameter["name"] == name:
            return parameter
    raise KeyError(name)


def request_property(component: str, name: str) -> dict:
    return _document()["components"]["schemas"][component]["properties"][name]
