"""Exam vouchers and CE credits API."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.api.views import resolve_user_id
from portal.api.parsers import SafeJSONParser

from .. import selectors, services
from ..exports import ce_credits_csv, ce_credits_pdf
from ..models import CreditBody

TAGS = ["certifications"]


class VoucherLoadInput(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        min_length=1,
        max_length=services.MAX_CODES,
        help_text="Codes, when not sending a CSV `file`.",
    )
    exam = serializers.CharField(max_length=200, required=False, allow_blank=True)
    file = serializers.FileField(
        required=False, help_text="CSV with a header row: `code`, optional `exam`."
    )


class VoucherLoadOutput(serializers.Serializer):
    loaded = serializers.IntegerField()
    duplicates = serializers.IntegerField()


class VoucherStockOutput(serializers.Serializer):
    total = serializers.IntegerField()
    claimed = serializers.IntegerField()
    available = serializers.IntegerField()


class VoucherOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    code = serializers.CharField()
    exam = serializers.CharField()
    claimed_at = serializers.DateTimeField()


class CreditInput(serializers.Serializer):
    body = serializers.ChoiceField(choices=CreditBody.choices)
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("999"),
    )


class CreditOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    body = serializers.ChoiceField(choices=CreditBody.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)


class CreditRowOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_title = serializers.CharField()
    body = serializers.ChoiceField(choices=CreditBody.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    completed_at = serializers.DateTimeField()
    certificate_number = serializers.CharField()


class CreditsQuery(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["json", "csv", "pdf"], required=False, default="json"
    )


class VoucherListView(APIView):
    parser_classes = [SafeJSONParser, MultiPartParser]

    @extend_schema(responses={200: VoucherStockOutput}, tags=TAGS)
    def get(self, request, course_id, *args, **kwargs):
        return Response(
            selectors.voucher_stock(actor=request.user, course_id=int(course_id))
        )

    @extend_schema(
        request={
            "application/json": VoucherLoadInput,
            "multipart/form-data": VoucherLoadInput,
        },
        responses={201: VoucherLoadOutput},
        tags=TAGS,
        description="Admins load exam voucher codes: a CSV `file` or JSON `codes`.",
    )
    def post(self, request, course_id, *args, **kwargs):
        data = VoucherLoadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        if upload is not None:
            codes = services.voucher_csv_read(data=upload.read())
        else:
            exam = data.validated_data.get("exam", "")
            codes = [(code, exam) for code in data.validated_data.get("codes", [])]
        result = services.voucher_codes_load(
            actor=request.user, course_id=int(course_id), codes=codes
        )
        return Response(result, status=status.HTTP_201_CREATED)


class VoucherClaimView(APIView):
    @extend_schema(
        request=None,
        responses={201: VoucherOutput},
        tags=TAGS,
        description=(
            "A learner who completed the course claims one exam voucher (the same "
            "one again on a repeat); 409 `NO_VOUCHERS_LEFT` when none remain."
        ),
    )
    def post(self, request, course_id, *args, **kwargs):
        voucher = services.voucher_claim(actor=request.user, course_id=int(course_id))
        return Response(VoucherOutput(voucher).data, status=status.HTTP_201_CREATED)


class CourseCreditView(APIView):
    @extend_schema(
        request=CreditInput,
        responses={200: CreditOutput},
        tags=TAGS,
        description="Admins set the CE hours a body grants for the course.",
    )
    def put(self, request, course_id, *args, **kwargs):
        data = CreditInput(data=request.data)
        data.is_valid(raise_exception=True)
        credit = services.course_credit_set(
            actor=request.user, course_id=int(course_id), **data.validated_data
        )
        return Response(CreditOutput(credit).data)

    post = put


class UserCreditsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["json", "csv", "pdf"], required=False)
        ],
        responses={
            (200, "application/json"): CreditRowOutput(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
        description=(
            "The learner's CE credits: JSON (default), or `?format=csv` / `pdf` "
            "as evidence for a certification body."
        ),
        tags=TAGS,
    )
    def get(self, request, user_id, *args, **kwargs):
        query = CreditsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, rows = selectors.ce_credit_rows(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        kind = query.validated_data["format"]
        if kind == "csv":
            response = HttpResponse(
                ce_credits_csv(user=user, rows=rows), content_type="text/csv"
            )
            response["Content-Disposition"] = 'attachment; filename="ce-credits.csv"'
            return response
        if kind == "pdf":
            response = HttpResponse(
                ce_credits_pdf(user=user, rows=rows), content_type="application/pdf"
            )
            response["Content-Disposition"] = 'attachment; filename="ce-credits.pdf"'
            return response
        return Response(CreditRowOutput(rows, many=True).data)
