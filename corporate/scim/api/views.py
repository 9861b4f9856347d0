"""The SCIM 2.0 endpoints (RFC 7644): thin views that parse SCIM JSON with
``scim2-models``, call the selectors and services, and answer SCIM JSON."""

from __future__ import annotations

from typing import Any

import scim2_models as sm
from django.conf import settings
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.negotiation import JSONOnlyNegotiation

from .. import resources, selectors, services
from .authentication import HasScimToken, ScimTokenAuthentication
from .rendering import PARSERS, ScimJSONRenderer, error_response, exception_response

LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
Ctx = sm.Context


class ScimView(APIView):
    authentication_classes = [ScimTokenAuthentication]
    permission_classes = [HasScimToken]
    renderer_classes = [ScimJSONRenderer]
    parser_classes = PARSERS
    content_negotiation_class = JSONOnlyNegotiation
    throttle_classes: list = []
    versioning_class = None
    schema = None  # SCIM describes itself at /Schemas; not part of the REST schema
    # An HR system's token, not a person's sign-in: there is no second factor to ask.
    mfa_exempt = True

    def dispatch(self, request, *args, **kwargs):
        with resources.POLICY:
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = exception_response(exc)
        if response is not None:
            return response
        response = super().handle_exception(exc)  # logs it, as for every API view
        return error_response(response.status_code, "An unexpected error occurred.")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for key, value in request.query_params.items():
            if "\x00" in key or "\x00" in value:
                raise sm.InvalidValueException(detail=f"{key}: NUL is not allowed.")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != 204:
            response["Content-Type"] = "application/scim+json"
        return response

    @property
    def token(self):
        return self.request.auth

    @property
    def organization(self):
        return self.request.auth.organization

    def base(self) -> str:
        return self.request.build_absolute_uri("/scim/v2").rstrip("/")

    def body(self) -> dict:
        data = self.request.data
        if not isinstance(data, dict):
            raise sm.InvalidSyntaxException(detail="The body must be a JSON object.")
        _refuse_nul(data)
        return data

    def response_parameters(self) -> sm.ResponseParameters | None:
        if getattr(self, "_response_parameters", None) is not None:
            return self._response_parameters
        params = {
            key: self.request.query_params[key]
            for key in ("attributes", "excludedAttributes")
            if self.request.query_params.get(key)
        }
        return sm.ResponseParameters.model_validate(params) if params else None

    def dump(self, resource: sm.Resource, ctx: sm.Context) -> dict:
        return resource.model_dump(
            scim_ctx=ctx, response_parameters=self.response_parameters()
        )


def _refuse_nul(data: Any) -> None:
    """PostgreSQL cannot store NUL in text; refuse it instead of failing later."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise sm.InvalidValueException(detail="NUL is not allowed in values.")
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


# Far beyond any organization, and within a database OFFSET.
MAX_START_INDEX = 10**9


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise sm.InvalidValueException(detail=f"{name} must be an integer.") from None
    return max(min(value, MAX_START_INDEX), -1)


class _Collection(ScimView):
    def rows(self, filter_expression: str | None) -> QuerySet:
        raise NotImplementedError

    def to_resource(self, row: Any) -> sm.Resource:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        return self.listing(
            filter_expression=request.query_params.get("filter") or None,
            start=_int_param(request, "startIndex", 1),
            count=_int_param(request, "count", settings.SCIM_MAX_RESULTS),
        )

    def listing(self, *, filter_expression: str | None, start: int, count: int):
        max_results = settings.SCIM_MAX_RESULTS
        start = min(max(start, 1), MAX_START_INDEX)
        count = min(max(count, 0), max_results)
        rows = self.rows(filter_expression)
        total = rows.count()
        page = list(rows[start - 1 : start - 1 + count]) if count else []
        return Response(
            {
                "schemas": [LIST_SCHEMA],
                "totalResults": total,
                "startIndex": start,
                "itemsPerPage": len(page),
                "Resources": [
                    self.dump(self.to_resource(row), Ctx.SEARCH_RESPONSE)
                    for row in page
                ],
            }
        )


class _Search:
    """``POST <collection>/.search`` (RFC 7644 §3.4.3): the query in the body."""

    def post(self, request: Request) -> Response:
        search = sm.SearchRequest.model_validate(
            self.body(), scim_ctx=Ctx.SEARCH_REQUEST
        )
        if search.attributes or search.excluded_attributes:
            self._response_parameters = sm.ResponseParameters(
                attributes=search.attributes,
                excluded_attributes=search.excluded_attributes,
            )
        return self.listing(
            filter_expression=str(search.filter) if search.filter else None,
            start=search.start_index or 1,
            count=(settings.SCIM_MAX_RESULTS if search.count is None else search.count),
        )


class UsersView(_Collection):
    def rows(self, filter_expression):
        return selectors.scim_identity_list(
            organization=self.organization, filter_expression=filter_expression
        )

    def to_resource(self, row):
        return resources.user_resource(row, base=self.base())

    def post(self, request: Request) -> Response:
        resource = resources.User.model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_CREATION_REQUEST
        )
        identity = services.scim_user_create(
            token=self.token, attributes=_user_attributes(resource)
        )
        identity = selectors.scim_identity_get(
            organization=self.organization, scim_id=str(identity.scim_id)
        )
        created = self.to_resource(identity)
        response = Response(
            self.dump(created, Ctx.RESOURCE_CREATION_RESPONSE), status=201
        )
        response["Location"] = created.meta.location
        return response


def _user_attributes(
    resource: resources.User, *, active: bool | None = None
) -> resources.UserAttributes:
    if resource.active is None and active is not None:
        resource.active = active
    try:
        return resources.user_attributes(resource)
    except resources.AttributeError_ as exc:
        raise sm.InvalidValueException(detail=str(exc)) from None


class UserView(ScimView):
    def identity(self, scim_id: str):
        identity = selectors.scim_identity_get(
            organization=self.organization, scim_id=scim_id
        )
        if identity is None:
            raise sm.NotFoundException(detail=f"User {scim_id} not found.")
        return identity

    def answer(self, scim_id: str, ctx: sm.Context) -> Response:
        resource = resources.user_resource(self.identity(scim_id), base=self.base())
        return Response(self.dump(resource, ctx))

    def get(self, request: Request, scim_id: str) -> Response:
        return self.answer(scim_id, Ctx.RESOURCE_QUERY_RESPONSE)

    def put(self, request: Request, scim_id: str) -> Response:
        identity = self.identity(scim_id)
        resource = resources.User.model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_REPLACEMENT_REQUEST
        )
        services.scim_user_update(
            token=self.token,
            identity=identity,
            attributes=_user_attributes(resource, active=identity.active),
        )
        return self.answer(scim_id, Ctx.RESOURCE_REPLACEMENT_RESPONSE)

    def patch(self, request: Request, scim_id: str) -> Response:
        identity = self.identity(scim_id)
        patch = sm.PatchOp[resources.User].model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_PATCH_REQUEST
        )
        resource = resources.user_resource(identity, base=self.base())
        if patch.patch(resource):
            services.scim_user_update(
                token=self.token,
                identity=identity,
                attributes=_user_attributes(resource),
            )
        return self.answer(scim_id, Ctx.RESOURCE_PATCH_RESPONSE)

    def delete(self, request: Request, scim_id: str) -> Response:
        services.scim_user_delete(token=self.token, identity=self.identity(scim_id))
        return Response(status=204)


class UsersSearchView(_Search, UsersView):
    pass


class GroupsView(_Collection):
    def rows(self, filter_expression):
        return selectors.scim_group_list(
            organization=self.organization, filter_expression=filter_expression
        )

    def to_resource(self, row):
        return resources.group_resource(row, base=self.base())

    def post(self, request: Request) -> Response:
        resource = resources.Group.model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_CREATION_REQUEST
        )
        group = services.scim_group_create(
            token=self.token, attributes=resources.group_attributes(resource)
        )
        group = selectors.scim_group_get(
            organization=self.organization, scim_id=str(group.scim_id)
        )
        created = self.to_resource(group)
        response = Response(
            self.dump(created, Ctx.RESOURCE_CREATION_RESPONSE), status=201
        )
        response["Location"] = created.meta.location
        return response


class GroupsSearchView(_Search, GroupsView):
    pass


class GroupView(ScimView):
    def group(self, scim_id: str):
        group = selectors.scim_group_get(
            organization=self.organization, scim_id=scim_id
        )
        if group is None:
            raise sm.NotFoundException(detail=f"Group {scim_id} not found.")
        return group

    def answer(self, scim_id: str, ctx: sm.Context) -> Response:
        resource = resources.group_resource(self.group(scim_id), base=self.base())
        return Response(self.dump(resource, ctx))

    def get(self, request: Request, scim_id: str) -> Response:
        return self.answer(scim_id, Ctx.RESOURCE_QUERY_RESPONSE)

    def put(self, request: Request, scim_id: str) -> Response:
        group = self.group(scim_id)
        resource = resources.Group.model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_REPLACEMENT_REQUEST
        )
        services.scim_group_update(
            token=self.token,
            group=group,
            attributes=resources.group_attributes(resource),
        )
        return self.answer(scim_id, Ctx.RESOURCE_REPLACEMENT_RESPONSE)

    def patch(self, request: Request, scim_id: str) -> Response:
        group = self.group(scim_id)
        patch = sm.PatchOp[resources.Group].model_validate(
            self.body(), scim_ctx=Ctx.RESOURCE_PATCH_REQUEST
        )
        resource = resources.group_resource(group, base=self.base())
        if patch.patch(resource):
            services.scim_group_update(
                token=self.token,
                group=group,
                attributes=resources.group_attributes(resource),
            )
        return self.answer(scim_id, Ctx.RESOURCE_PATCH_RESPONSE)

    def delete(self, request: Request, scim_id: str) -> Response:
        services.scim_group_delete(token=self.token, group=self.group(scim_id))
        return Response(status=204)


def _listing(items: list[dict]) -> dict:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


class ServiceProviderConfigView(ScimView):
    def get(self, request: Request) -> Response:
        config = resources.service_provider_config(
            max_results=settings.SCIM_MAX_RESULTS, base=self.base()
        )
        return Response(config.model_dump(scim_ctx=Ctx.RESOURCE_QUERY_RESPONSE))


class ResourceTypesView(ScimView):
    def get(self, request: Request, name: str | None = None) -> Response:
        found = {t.id: t for t in resources.resource_types(base=self.base())}
        if name is None:
            return Response(
                _listing(
                    [
                        t.model_dump(scim_ctx=Ctx.RESOURCE_QUERY_RESPONSE)
                        for t in found.values()
                    ]
                )
            )
        if name not in found:
            raise sm.NotFoundException(detail=f"Resource type {name} not found.")
        return Response(found[name].model_dump(scim_ctx=Ctx.RESOURCE_QUERY_RESPONSE))


class SchemasView(ScimView):
    def get(self, request: Request, schema_id: str | None = None) -> Response:
        found = {s.id: s for s in resources.schemas(base=self.base())}
        if schema_id is None:
            return Response(
                _listing(
                    [
                        s.model_dump(scim_ctx=Ctx.RESOURCE_QUERY_RESPONSE)
                        for s in found.values()
                    ]
                )
            )
        if schema_id not in found:
            raise sm.NotFoundException(detail=f"Schema {schema_id} not found.")
        return Response(
            found[schema_id].model_dump(scim_ctx=Ctx.RESOURCE_QUERY_RESPONSE)
        )


class RootSearchView(ScimView):
    def post(self, request: Request) -> Response:
        return error_response(
            501, "Searching several resource types at once is not supported."
        )


class UnknownView(ScimView):
    """Any other path under /scim/v2/: a SCIM 404, whatever the method."""

    authentication_classes: list = []
    permission_classes: list = []

    def _not_found(self, request: Request, *args, **kwargs) -> Response:
        return error_response(404, "Unknown SCIM endpoint.")

    get = post = put = patch = delete = _not_found
