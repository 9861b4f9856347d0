"""Organizations API (API.md, "Organizations"): thin views over the services and
selectors. Everything of an organization the caller may not see is 404."""

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.permissions import MFAEnrolled, RolePermission, is_admin
from portal.api.pagination import paginated_response
from portal.api.parsers import SafeJSONParser
from portal.errors import InvalidInput, PermissionDenied
from portal.jobs.api.views import JobOutput, job_data

from .. import selectors, services
from ..models import Invitation, OrganizationMembership
from . import serializers as s

Membership = OrganizationMembership
TAGS = ["organizations"]

JobAccepted = inline_serializer("JobAccepted", {"job": JobOutput()})


def _organization(request, organization_id):
    return selectors.organization_get_visible(
        actor=request.user, organization_id=int(organization_id)
    )


def _job_accepted(job, request) -> Response:
    return Response(
        {"job": job_data(job, viewer=request.user)}, status=status.HTTP_202_ACCEPTED
    )


class OrganizationListView(APIView):
    permission_classes = [RolePermission.require("organization:view"), MFAEnrolled]

    @extend_schema(
        responses={200: s.OrganizationOutput(many=True)},
        tags=TAGS,
        description="Admins: every organization; a corporate rep: her own.",
    )
    def get(self, request, *args, **kwargs):
        rows = selectors.organization_list(actor=request.user)
        return paginated_response(self, request, rows, s.OrganizationOutput)

    @extend_schema(
        request=s.OrganizationCreateInput,
        responses={201: s.OrganizationOutput},
        tags=TAGS,
        description="Admins only.",
    )
    def post(self, request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied("Only administrators create organizations.")
        data = s.OrganizationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(
            actor=request.user, **data.validated_data
        )
        return Response(
            s.OrganizationOutput(organization).data, status=status.HTTP_201_CREATED
        )


class OrganizationDetailView(APIView):
    @extend_schema(responses={200: s.OrganizationOutput}, tags=TAGS)
    def get(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        return Response(s.OrganizationOutput(organization).data)

    @extend_schema(
        request=s.OrganizationUpdateInput,
        responses={200: s.OrganizationOutput},
        tags=TAGS,
        description="Admins and its reps (profile fields; `slug` admins only). "
        "Partial: fields not sent stay.",
    )
    def put(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        data = s.OrganizationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_update(
            actor=request.user, organization=organization, data=data.validated_data
        )
        return Response(s.OrganizationOutput(organization).data)

    @extend_schema(
        request=s.OrganizationUpdateInput,
        responses={200: s.OrganizationOutput},
        tags=TAGS,
        description="A synonym of PUT (partial).",
    )
    def patch(self, request, organization_id, *args, **kwargs):
        return self.put(request, organization_id, *args, **kwargs)


class MemberListView(APIView):
    @extend_schema(
        parameters=[s.MemberFilterInput],
        responses={200: s.MemberOutput(many=True)},
        tags=TAGS,
        description="Current members with a progress summary (never answers).",
    )
    def get(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        filters = s.MemberFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.member_list(
            organization=organization, **filters.validated_data
        )
        return paginated_response(self, request, rows, s.MemberOutput)

    @extend_schema(
        request=s.MemberInput,
        responses={201: s.MemberAddedOutput},
        tags=TAGS,
        description="Adds a person who has an account (409 `ALREADY_MEMBER` if "
        "she is one); anyone else gets an invitation e-mail.",
    )
    def post(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        data = s.MemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.member_add_or_invite(
            actor=request.user, organization=organization, **data.validated_data
        )
        if isinstance(added, Invitation):
            body = {
                "outcome": "invited",
                "member": None,
                "invitation": s.InvitationOutput(added).data,
            }
        else:
            member = selectors.member_list(organization=organization).get(pk=added.pk)
            body = {
                "outcome": "added",
                "member": s.MemberOutput(member).data,
                "invitation": None,
            }
        return Response(body, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.MemberOutput},
        tags=TAGS,
        description="Ends the membership (the account and its records stay). Reps "
        "remove members; removing a representative is for admins; a member may "
        "remove herself (leave the organization).",
    )
    def delete(self, request, organization_id, user_id, *args, **kwargs):
        if int(user_id) == request.user.pk and not is_admin(request.user):
            # Leaving: her own membership, whatever her role may see otherwise.
            own = selectors.own_membership(
                user=request.user, organization_id=int(organization_id)
            )
            if own is not None:
                member = selectors.member_list(organization=own.organization).get(
                    pk=own.pk
                )
                services.organization_leave(
                    actor=request.user, organization_id=own.organization_id
                )
                return Response(s.MemberOutput(member).data)
        organization = _organization(request, organization_id)
        membership = selectors.member_get(
            organization=organization, user_id=int(user_id)
        )
        if membership.role != Membership.Role.MEMBER and not is_admin(request.user):
            raise PermissionDenied("Only administrators remove representatives.")
        member = selectors.member_list(organization=organization).get(pk=membership.pk)
        services.organization_member_remove(membership=membership, actor=request.user)
        return Response(s.MemberOutput(member).data)


class SeatPoolListView(APIView):
    @extend_schema(responses={200: s.SeatPoolOutput(many=True)}, tags=TAGS)
    def get(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        rows = selectors.seat_pool_list(organization=organization)
        return paginated_response(self, request, rows, s.SeatPoolOutput)

    @extend_schema(
        request=s.SeatPoolInput,
        responses={201: s.SeatPoolOutput},
        tags=TAGS,
        description="Admins only.",
    )
    def post(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        if not is_admin(request.user):
            raise PermissionDenied("Only administrators add seats.")
        data = s.SeatPoolInput(data=request.data)
        data.is_valid(raise_exception=True)
        pool = services.seat_pool_create(
            actor=request.user, organization=organization, **data.validated_data
        )
        pool = selectors.seat_pool_list(organization=organization).get(pk=pool.pk)
        return Response(s.SeatPoolOutput(pool).data, status=status.HTTP_201_CREATED)


class BulkEnrollmentView(APIView):
    parser_classes = [SafeJSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": s.BulkJSONInput,
            "multipart/form-data": s.BulkUploadInput,
        },
        responses={202: JobAccepted},
        tags=TAGS,
        description="Checks the whole list or file first (400 naming `file` for a "
        "malformed CSV, before any row is applied), then runs a job; follow it at "
        "`/api/v1/jobs/{id}`. Its `result.rows` are `{row, email, outcome, "
        "reason}`, `result.summary` counts the outcomes.",
    )
    def post(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        if "file" in request.FILES or request.content_type.startswith("multipart/"):
            data = s.BulkUploadInput(data=request.data)
            data.is_valid(raise_exception=True)
            upload = data.validated_data["file"]
            if upload.size > settings.BULK_ENROLLMENT_MAX_BYTES:
                raise InvalidInput("The file is too large.", field="file")
            rows = services.bulk_rows_from_csv(
                raw=upload.read(),
                default_course_id=data.validated_data.get("course_id"),
            )
        else:
            data = s.BulkJSONInput(data=request.data)
            data.is_valid(raise_exception=True)
            rows = services.bulk_rows_from_emails(**data.validated_data)
        job = services.bulk_enrollment_start(
            actor=request.user, organization=organization, rows=rows
        )
        return _job_accepted(job, request)


class ProgressReportView(APIView):
    @extend_schema(
        parameters=[s.ReportQueryInput],
        responses={
            (200, "application/json"): s.ReportRowOutput(many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`?format=csv`"
            ),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="`?format=xlsx`"
            ),
            202: JobAccepted,
        },
        tags=TAGS,
        description="Per current member per course: status, progress, last "
        "activity, time spent, best score, certificate number. `json` is "
        "paginated; `csv` and `xlsx` are files, or, for a large organization, "
        "202 and a job whose `result.download_url` serves the file.",
    )
    def get(self, request, organization_id, *args, **kwargs):
        organization = _organization(request, organization_id)
        query = s.ReportQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["format"]
        if file_format == "json":
            rows = selectors.report_enrollments(organization=organization)
            return paginated_response(
                self,
                request,
                rows,
                s.ReportRowOutput,
                prepare=lambda page: list(selectors.report_rows(enrollments=page)),
            )
        if services.report_is_large(organization=organization):
            job = services.report_job_start(
                actor=request.user, organization=organization, file_format=file_format
            )
            return _job_accepted(job, request)
        response = HttpResponse(
            services.report_file_build(
                organization=organization, file_format=file_format
            ),
            content_type=services.FORMATS[file_format],
        )
        name = services.report_file_name(
            organization=organization, file_format=file_format
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
