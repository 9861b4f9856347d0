"""Outgoing webhooks API (API.md Part 2, "Outgoing webhooks"): admins register
endpoints (the signing secret is shown once) and read each endpoint's deliveries."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import StrictBooleanField, StrictCharField
from portal.api.pagination import paginated_response

from .. import selectors, services
from ..events import EVENTS
from ..models import DeliveryStatus

TAGS = ["webhooks"]


class EndpointInput(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENTS)),
        min_length=1,
        max_length=len(EVENTS),
    )
    description = StrictCharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class EndpointUpdateInput(serializers.Serializer):
    url = serializers.URLField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENTS)),
        min_length=1,
        max_length=len(EVENTS),
        required=False,
    )
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    is_active = StrictBooleanField(required=False)


class EndpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class EndpointCreatedOutput(EndpointOutput):
    secret = serializers.CharField(
        help_text="The signing secret (Standard Webhooks). Shown only in this answer."
    )


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    message_id = serializers.CharField(
        source="event.message_id", help_text="The `webhook-id` header."
    )
    event = serializers.CharField(source="event.type")
    payload = serializers.JSONField(source="event.payload")
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(
        allow_null=True, help_text="The endpoint's last HTTP status."
    )
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class DeliveryListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)


class EndpointListView(APIView):
    @extend_schema(responses={200: EndpointOutput(many=True)}, tags=TAGS)
    def get(self, request, *args, **kwargs):
        endpoints = selectors.webhook_endpoint_list(actor=request.user)
        return paginated_response(self, request, endpoints, EndpointOutput)

    @extend_schema(
        request=EndpointInput,
        responses={201: EndpointCreatedOutput},
        tags=TAGS,
        description=(
            "Register an endpoint for some events. The answer holds the signing "
            "secret, shown this once. A private or loopback address is 400."
        ),
    )
    def post(self, request, *args, **kwargs):
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            actor=request.user, **data.validated_data
        )
        return Response(
            EndpointCreatedOutput(endpoint).data, status=status.HTTP_201_CREATED
        )


class EndpointDetailView(APIView):
    @extend_schema(responses={200: EndpointOutput}, tags=TAGS)
    def get(self, request, endpoint_id, *args, **kwargs):
        endpoint = selectors.webhook_endpoint_get(
            actor=request.user, endpoint_id=int(endpoint_id)
        )
        return Response(EndpointOutput(endpoint).data)

    @extend_schema(
        request=EndpointUpdateInput,
        responses={200: EndpointOutput},
        tags=TAGS,
        description="Partial: fields not sent stay. The secret never changes.",
    )
    def put(self, request, endpoint_id, *args, **kwargs):
        endpoint = selectors.webhook_endpoint_get(
            actor=request.user, endpoint_id=int(endpoint_id)
        )
        data = EndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(
            actor=request.user, endpoint=endpoint, data=data.validated_data
        )
        return Response(EndpointOutput(endpoint).data)

    patch = put


class DeliveryListView(APIView):
    @extend_schema(
        parameters=[DeliveryListQuery],
        responses={200: DeliveryOutput(many=True)},
        tags=TAGS,
        description="Deliveries to this endpoint, newest first, with the "
        "endpoint's last HTTP status.",
    )
    def get(self, request, endpoint_id, *args, **kwargs):
        query = DeliveryListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        deliveries = selectors.webhook_delivery_list(
            actor=request.user,
            endpoint_id=int(endpoint_id),
            status=query.validated_data.get("status"),
        )
        return paginated_response(self, request, deliveries, DeliveryOutput)
