"""The SkillBridge API (API.md Part 2): staff only — anyone else gets 404, as if the
records did not exist — and every read is audit-logged. Thin views over
``corporate.skillbridge`` selectors and services."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.fields import StrictBooleanField, StrictCharField
from portal.api.pagination import PagePagination
from portal.files import ATTACHMENT, content_disposition

from .. import selectors, services
from ..models import Outcome, ServiceBranch

TAGS = ["skillbridge"]
COHORT_ID = OpenApiParameter(
    "cohort_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Cohort id."
)
PARTICIPANT_ID = OpenApiParameter(
    "participant_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="Participant id.",
)
STAFF_ONLY = _(
    "Staff only (admins, `skillbridge.skillbridge_coordinator`); anyone else 404. "
    "Every read is audit-logged."
)


# --- Serializers -------------------------------------------------------------------


class CohortInput(serializers.Serializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=2000, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


class CohortOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    participant_count = serializers.IntegerField()
    completed_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ParticipantInput(serializers.Serializer):
    """Create: the fields without a default are required; PUT/PATCH: any subset."""

    user_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    full_name = StrictCharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    service_branch = serializers.ChoiceField(choices=ServiceBranch.choices)
    pay_grade = StrictCharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text=_("E-1 … E-9, W-1 … W-5, O-1 … O-10."),
    )
    installation = StrictCharField(max_length=200, required=False, allow_blank=True)
    unit = StrictCharField(max_length=200, required=False, allow_blank=True)
    commander_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    commander_approval_date = serializers.DateField(required=False, allow_null=True)
    separation_date = serializers.DateField(help_text=_("Projected separation date."))
    program_start = serializers.DateField(
        help_text=_("At most 180 days before the separation date.")
    )
    program_end = serializers.DateField(
        help_text=_("On or before the separation date.")
    )
    weekly_hours = serializers.IntegerField(min_value=1, max_value=80)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    job_offer = StrictBooleanField(required=False)
    employer = StrictCharField(max_length=200, required=False, allow_blank=True)
    hire_date = serializers.DateField(required=False, allow_null=True)
    employed_30_days = StrictBooleanField(required=False, allow_null=True)
    employed_90_days = StrictBooleanField(required=False, allow_null=True)
    employed_180_days = StrictBooleanField(required=False, allow_null=True)


class ParticipantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cohort_id = serializers.IntegerField()
    user_id = serializers.IntegerField(allow_null=True)
    full_name = serializers.CharField()
    email = serializers.CharField()
    service_branch = serializers.CharField()
    pay_grade = serializers.CharField()
    installation = serializers.CharField()
    unit = serializers.CharField()
    commander_name = serializers.CharField()
    commander_approval_date = serializers.DateField(allow_null=True)
    approval_document = serializers.SerializerMethodField()
    separation_date = serializers.DateField()
    program_start = serializers.DateField()
    program_end = serializers.DateField()
    weekly_hours = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    job_offer = serializers.BooleanField()
    employer = serializers.CharField()
    hire_date = serializers.DateField(allow_null=True)
    employed_30_days = serializers.BooleanField(allow_null=True)
    employed_90_days = serializers.BooleanField(allow_null=True)
    employed_180_days = serializers.BooleanField(allow_null=True)

    def get_approval_document(self, participant) -> dict | None:
        if not participant.approval_document:
            return None
        return {
            "sha256": participant.approval_document_sha256,
            "size": participant.approval_document_size,
            "url": (
                f"/api/v1/skillbridge/cohorts/{participant.cohort_id}/participants/"
                f"{participant.pk}/approval-document"
            ),
        }


class DocumentInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text=_("The commander's approval: PDF, PNG or JPEG."),
    )


class ExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["json", "csv", "pdf"], required=False, default="json"
    )


class SkillBridgeReportRowOutput(serializers.Serializer):
    quarter = serializers.CharField(help_text=_("`2026-Q3`, or `total`."))
    participants = serializers.IntegerField()
    completions = serializers.IntegerField()
    withdrawals = serializers.IntegerField()
    recalls = serializers.IntegerField()
    offers = serializers.IntegerField()
    hires = serializers.IntegerField()
    employed_30_days = serializers.IntegerField()
    employed_90_days = serializers.IntegerField()
    employed_180_days = serializers.IntegerField()
    placement_rate = serializers.FloatField(help_text=_("Hires per completion."))


def _validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(ATTACHMENT, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _paginate(view, request, queryset, serializer_class):
    paginator = PagePagination()
    page = paginator.paginate_queryset(queryset, request, view)
    return page, paginator


# --- Views -------------------------------------------------------------------------


class CohortListView(APIView):
    @extend_schema(responses=CohortOutput(many=True), tags=TAGS, description=STAFF_ONLY)
    def get(self, request, *args, **kwargs):
        page, paginator = _paginate(
            self, request, selectors.cohort_list(actor=request.user), CohortOutput
        )
        services.skillbridge_read_record(
            actor=request.user,
            what="cohorts",
            details={"cohort_ids": [c.pk for c in page]},
        )
        return paginator.get_paginated_response(CohortOutput(page, many=True).data)

    @extend_schema(
        request=CohortInput,
        responses={201: CohortOutput},
        tags=TAGS,
        description=STAFF_ONLY,
    )
    def post(self, request, *args, **kwargs):
        selectors.staff_require(request.user)
        data = _validated(CohortInput, request.data)
        cohort = services.cohort_create(actor=request.user, data=data)
        cohort = selectors.cohort_get(actor=request.user, cohort_id=cohort.pk)
        return Response(CohortOutput(cohort).data, status=status.HTTP_201_CREATED)


class CohortDetailView(APIView):
    @extend_schema(
        parameters=[COHORT_ID],
        responses=CohortOutput,
        tags=TAGS,
        description=STAFF_ONLY,
    )
    def get(self, request, cohort_id, *args, **kwargs):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        services.skillbridge_read_record(
            actor=request.user, what="cohort", cohort_id=cohort.pk
        )
        return Response(CohortOutput(cohort).data)


class ParticipantListView(APIView):
    @extend_schema(
        parameters=[COHORT_ID],
        responses=ParticipantOutput(many=True),
        tags=TAGS,
        description=STAFF_ONLY,
    )
    def get(self, request, cohort_id, *args, **kwargs):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        page, paginator = _paginate(
            self,
            request,
            selectors.participant_list(actor=request.user, cohort=cohort),
            ParticipantOutput,
        )
        services.skillbridge_read_record(
            actor=request.user,
            what="participants",
            cohort_id=cohort.pk,
            participant_ids=[p.pk for p in page],
        )
        return paginator.get_paginated_response(ParticipantOutput(page, many=True).data)

    @extend_schema(
        parameters=[COHORT_ID],
        request=ParticipantInput,
        responses={201: ParticipantOutput},
        tags=TAGS,
        description=_(
            "A program start more than 180 days before separation, or an end after "
            "it: 400. "
        )
        + STAFF_ONLY,
    )
    def post(self, request, cohort_id, *args, **kwargs):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        data = _validated(ParticipantInput, request.data)
        participant = services.participant_create(
            actor=request.user, cohort=cohort, data=data
        )
        return Response(
            ParticipantOutput(participant).data, status=status.HTTP_201_CREATED
        )


class ParticipantDetailView(APIView):
    def _participant(self, request, cohort_id, participant_id):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        return selectors.participant_get(
            actor=request.user, cohort=cohort, participant_id=int(participant_id)
        )

    @extend_schema(
        parameters=[COHORT_ID, PARTICIPANT_ID],
        responses=ParticipantOutput,
        tags=TAGS,
        description=STAFF_ONLY,
    )
    def get(self, request, cohort_id, participant_id, *args, **kwargs):
        participant = self._participant(request, cohort_id, participant_id)
        services.skillbridge_read_record(
            actor=request.user,
            what="participant",
            cohort_id=participant.cohort_id,
            participant_ids=[participant.pk],
        )
        return Response(ParticipantOutput(participant).data)

    @extend_schema(
        parameters=[COHORT_ID, PARTICIPANT_ID],
        request=ParticipantInput(partial=True),
        responses=ParticipantOutput,
        tags=TAGS,
        description=_("Partial update (outcome, follow-ups, corrections). ")
        + STAFF_ONLY,
    )
    def put(self, request, cohort_id, participant_id, *args, **kwargs):
        participant = self._participant(request, cohort_id, participant_id)
        data = _validated(ParticipantInput, request.data, partial=True)
        participant = services.participant_update(
            actor=request.user, participant=participant, data=data
        )
        return Response(ParticipantOutput(participant).data)

    patch = put


class ApprovalDocumentView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def _participant(self, request, cohort_id, participant_id):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        return selectors.participant_get(
            actor=request.user, cohort=cohort, participant_id=int(participant_id)
        )

    @extend_schema(
        parameters=[COHORT_ID, PARTICIPANT_ID],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The approval document (its sha256 checked)."
            )
        },
        tags=TAGS,
        description=STAFF_ONLY,
    )
    def get(self, request, cohort_id, participant_id, *args, **kwargs):
        participant = self._participant(request, cohort_id, participant_id)
        document = services.approval_document_read(
            actor=request.user, participant=participant
        )
        response = _download(document.content, document.content_type, document.name)
        response["Digest"] = f"sha-256={document.sha256}"
        return response

    @extend_schema(
        parameters=[COHORT_ID, PARTICIPANT_ID],
        request={"multipart/form-data": DocumentInput},
        responses={201: ParticipantOutput},
        tags=TAGS,
        description=_("Upload the commander's approval; its sha256 is recorded. ")
        + STAFF_ONLY,
    )
    def post(self, request, cohort_id, participant_id, *args, **kwargs):
        participant = self._participant(request, cohort_id, participant_id)
        data = _validated(DocumentInput, request.data)
        upload = data["file"]
        participant = services.approval_document_attach(
            actor=request.user,
            participant=participant,
            name=upload.name or "approval",
            data=upload.read(),
        )
        return Response(
            ParticipantOutput(participant).data, status=status.HTTP_201_CREATED
        )


class ReportView(APIView):
    @extend_schema(
        parameters=[COHORT_ID, ExportQuery],
        responses={
            200: SkillBridgeReportRowOutput(many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`format=csv`."
            ),
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`format=pdf`."
            ),
        },
        tags=TAGS,
        description=_(
            "Per quarter of program start, then a total: participants, completions, "
            "offers, hires, employment at 30/90/180 days, placement rate (hires per "
            "completion). "
        )
        + STAFF_ONLY,
    )
    def get(self, request, cohort_id, *args, **kwargs):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        query = _validated(ExportQuery, request.query_params)
        rows = selectors.cohort_report(actor=request.user, cohort=cohort)
        services.skillbridge_read_record(
            actor=request.user,
            what="report",
            cohort_id=cohort.pk,
            details={"format": query["format"]},
        )
        name = f"skillbridge-cohort-{cohort.pk}-report"
        if query["format"] == "csv":
            return _download(
                services.report_csv(rows=rows), "text/csv; charset=utf-8", f"{name}.csv"
            )
        if query["format"] == "pdf":
            return _download(
                services.report_pdf(cohort=cohort, rows=rows),
                "application/pdf",
                f"{name}.pdf",
            )
        return Response(SkillBridgeReportRowOutput(rows, many=True).data)


class RosterView(APIView):
    @extend_schema(
        parameters=[COHORT_ID, ExportQuery],
        responses={
            200: ParticipantOutput(many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`format=csv`."
            ),
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`format=pdf`."
            ),
        },
        tags=TAGS,
        description=_("Every participant of the cohort. ") + STAFF_ONLY,
    )
    def get(self, request, cohort_id, *args, **kwargs):
        cohort = selectors.cohort_get(actor=request.user, cohort_id=int(cohort_id))
        query = _validated(ExportQuery, request.query_params)
        participants = list(
            selectors.participant_list(actor=request.user, cohort=cohort)
        )
        services.skillbridge_read_record(
            actor=request.user,
            what="roster",
            cohort_id=cohort.pk,
            participant_ids=[p.pk for p in participants],
            details={"format": query["format"]},
        )
        name = f"skillbridge-cohort-{cohort.pk}-roster"
        if query["format"] == "csv":
            return _download(
                services.roster_csv(participants=participants),
                "text/csv; charset=utf-8",
                f"{name}.csv",
            )
        if query["format"] == "pdf":
            return _download(
                services.roster_pdf(cohort=cohort, participants=participants),
                "application/pdf",
                f"{name}.pdf",
            )
        return Response(ParticipantOutput(participants, many=True).data)
