"""Enrollment, progress and certificates API (API.md). Thin views over services and
selectors."""

from types import SimpleNamespace

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from content.selectors import page_url
from portal.accounts.api.views import resolve_user_id
from portal.accounts.permissions import IsAdminRole, MFAEnrolled
from portal.api.fields import StrictBooleanField, StrictCharField
from portal.api.pagination import PagePagination, paginated_response
from portal.api.schema import OneOfEnvelopes

from .. import roster, selectors, services
from ..models import EnrollmentSource, EnrollmentStatus
from ..services.certificates import (
    certificate_pdf_response,
    certificate_revoke,
    certificate_verify,
    verification_url,
)

# --- Serializers -------------------------------------------------------------------


class CourseRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, course) -> str:
        # One look-up of the sites per list, not one per row (``Page.url``).
        return page_url(course, self.context) or ""


class EnrollmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = CourseRef()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    source = serializers.ChoiceField(choices=EnrollmentSource.choices)
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    progress_percentage = serializers.FloatField()
    last_accessed = serializers.DateTimeField(allow_null=True)
    last_module_id = serializers.IntegerField(allow_null=True)


_DATETIME = serializers.DateTimeField()


def _when(value) -> str | None:
    """A datetime as DRF's ``DateTimeField`` writes it (``None`` stays ``None``),
    for the answers below that are built without their serializer."""
    return None if value is None else _DATETIME.to_representation(value)


def enrollment_rows_output(rows, context: dict) -> list[dict]:
    """``EnrollmentOutput`` of rows of ``selectors.ENROLLMENT_ROW`` values, built
    directly: a list serializer deep-copies its fields and its nested course
    serializer's on every request, which cost more than the query. The same values
    and formats (DRF's own datetime format; tested against the serializer)."""

    data = []
    for row in rows:
        course = SimpleNamespace(url_path=row["course__url_path"])
        data.append(
            {
                "id": row["id"],
                "course": {
                    "id": row["course_id"],
                    "title": row["course__title"],
                    "url": page_url(course, context) or "",
                },
                "status": row["status"],
                "source": row["source"],
                "enrolled_at": _when(row["enrolled_at"]),
                "completed_at": _when(row["completed_at"]),
                "cancelled_at": _when(row["cancelled_at"]),
                "progress_percentage": float(row["progress_percentage"]),
                "last_accessed": _when(row["last_accessed"]),
                "last_module_id": row["last_module_id"],
            }
        )
    return data


class ProgressInput(serializers.Serializer):
    completed = StrictBooleanField(required=False)
    time_spent = serializers.IntegerField(required=False, min_value=0, max_value=86_400)
    last_position = serializers.IntegerField(
        required=False, min_value=0, max_value=services.MAX_POSITION_SECONDS
    )


class ModuleProgressOutput(serializers.Serializer):
    module_id = serializers.IntegerField()
    completed = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    time_spent = serializers.IntegerField()
    last_position = serializers.IntegerField()

    def get_completed(self, progress) -> bool:
        return progress.completed_at is not None


class ProgressOutput(serializers.Serializer):
    module = ModuleProgressOutput()
    progress_percentage = serializers.FloatField()
    enrollment_status = serializers.CharField()
    course_completed = serializers.BooleanField()
    last_accessed = serializers.DateTimeField()


def progress_output(result) -> dict:
    """``ProgressOutput`` of a ``module_progress_record`` result, built directly (a
    player reports every few seconds; the nested serializer's fields were copied
    on each report). The same values and formats: tested against the serializer."""
    progress, enrollment = result.progress, result.enrollment

    return {
        "module": {
            "module_id": progress.module_id,
            "completed": progress.completed_at is not None,
            "completed_at": _when(progress.completed_at),
            "time_spent": progress.time_spent,
            "last_position": progress.last_position,
        },
        "progress_percentage": float(enrollment.progress_percentage),
        "enrollment_status": str(enrollment.status),
        "course_completed": enrollment.status == EnrollmentStatus.COMPLETED,
        "last_accessed": _when(enrollment.last_accessed),
    }


class CourseProgressOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    status = serializers.CharField()
    progress_percentage = serializers.FloatField()
    completed_module_ids = serializers.ListField(child=serializers.IntegerField())
    modules = ModuleProgressOutput(many=True)
    last_accessed = serializers.DateTimeField(allow_null=True)
    last_module_id = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class ProgressLearnerRef(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")


class LearnerProgressOutput(serializers.Serializer):
    learner = ProgressLearnerRef(source="user")
    status = serializers.CharField()
    progress_percentage = serializers.FloatField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    last_accessed = serializers.DateTimeField(allow_null=True)


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    certificate_number = serializers.CharField(source="number")
    course = serializers.SerializerMethodField()
    holder_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_course(self, certificate) -> dict:
        return {"id": certificate.course_id, "title": certificate.course_title}

    def get_revoked(self, certificate) -> bool:
        return certificate.revoked_at is not None

    def get_verification_url(self, certificate) -> str:
        return verification_url(certificate=certificate)

    def get_download_url(self, certificate) -> str:
        return f"/api/v1/certificates/{certificate.pk}/download"


class VerifyInput(serializers.Serializer):
    """One of the two is required; any value, even blank, is looked up, and an
    unknown one is simply not valid (200 ``{valid: false}``)."""

    schema_extra = {
        "anyOf": [
            {"required": ["verification_hash"]},
            {"required": ["certificate_number"]},
        ]
    }

    verification_hash = StrictCharField(
        required=False, allow_blank=True, max_length=128
    )
    certificate_number = StrictCharField(
        required=False, allow_blank=True, max_length=64
    )

    def validate(self, attrs):
        if "verification_hash" not in attrs and "certificate_number" not in attrs:
            raise serializers.ValidationError(
                _("Send verification_hash or certificate_number.")
            )
        return attrs


class VerifyOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    holder_name = serializers.CharField(required=False)
    course_title = serializers.CharField(required=False)
    issued_at = serializers.DateTimeField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    revoked = serializers.BooleanField(required=False)
    expired = serializers.BooleanField(required=False)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EnrollInput(serializers.Serializer):
    user_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Admins (and corporate representatives, for members of their "
        "organization): the user to enroll. Without it the caller enrolls "
        "themself; anyone else naming another user gets 403.",
    )


class RosterUser(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


class RosterModuleState(serializers.Serializer):
    module_id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=roster.MODULE_STATES)
    completed_at = serializers.DateTimeField(allow_null=True)
    time_spent = serializers.IntegerField(help_text="Seconds.")


class RosterAssessmentResult(serializers.Serializer):
    assessment_id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField()
    best_score = serializers.FloatField(
        allow_null=True, help_text="Best graded score on time, in percent."
    )
    passed = serializers.BooleanField()
    attempts = serializers.IntegerField()
    pending_review = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of attempts awaiting manual grading.",
    )
    flags_captured = serializers.IntegerField()
    flags_total = serializers.IntegerField(help_text="A lab's flags (0 otherwise).")


class RosterRowOutput(serializers.Serializer):
    enrollment_id = serializers.IntegerField()
    user = RosterUser()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    source = serializers.ChoiceField(choices=EnrollmentSource.choices)
    progress_percentage = serializers.FloatField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    last_accessed = serializers.DateTimeField(allow_null=True)
    modules = RosterModuleState(many=True)
    assessments = RosterAssessmentResult(many=True)


class RosterQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], required=False)
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)


def _enrollment_data(enrollment) -> dict:
    return EnrollmentOutput(enrollment).data


# --- Enrollment and progress -------------------------------------------------------


class EnrollView(APIView):
    @extend_schema(
        request=EnrollInput,
        responses={201: EnrollmentOutput},
        tags=["learning"],
        description="Enroll the caller, or (admins; corporate representatives for "
        "members of their organization) the user named by `user_id`. 409 "
        "`ALREADY_ENROLLED`, `COURSE_FULL`; 402 `PAYMENT_REQUIRED` for a learner "
        "enrolling in a paid course; 404 for an unknown user or a course that is "
        "not open; 403 for anyone else naming another user.",
    )
    def post(self, request, course_id, *args, **kwargs):
        data = EnrollInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_create_requested(
            actor=request.user,
            course_id=int(course_id),
            user_id=data.validated_data.get("user_id"),
        )
        return Response(_enrollment_data(enrollment), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EnrollmentOutput}, tags=["learning"])
    def delete(self, request, course_id, *args, **kwargs):
        course, _ = selectors.course_for_progress(
            actor=request.user, course_id=int(course_id)
        )
        enrollment = selectors.enrollment_get_own(actor=request.user, course=course)
        enrollment = services.enrollment_cancel(
            enrollment=enrollment, actor=request.user
        )
        return Response(_enrollment_data(enrollment))


class EnrollmentDetailView(APIView):
    @extend_schema(
        request=None,
        responses={200: EnrollmentOutput},
        tags=["learning"],
        description="Cancel an enrollment (the learner's own; admins any). Status "
        "`cancelled`, progress kept; cancelling twice changes nothing. Another "
        "learner's enrollment is 404.",
    )
    def delete(self, request, enrollment_id, *args, **kwargs):
        enrollment = selectors.enrollment_get_cancellable(
            actor=request.user, enrollment_id=int(enrollment_id)
        )
        enrollment = services.enrollment_cancel(
            enrollment=enrollment, actor=request.user
        )
        return Response(_enrollment_data(enrollment))


class CourseEnrollmentsView(APIView):
    # Only for the schema (the page envelope with ``meta.pagination``); ``get``
    # paginates itself, since ``?format=csv`` downloads every row.
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="`csv` downloads the whole roster as a CSV file.",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=EnrollmentStatus.values,
                description="Only enrollments in this status.",
            ),
        ],
        responses={
            (200, "application/json"): RosterRowOutput(many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="The whole roster (`?format=csv`): one row per learner, "
                "a column per module and per assessment.",
            ),
        },
        tags=["learning"],
        description="The course's roster, for its instructor and admins: each "
        "learner's status, progress, per-module state, best assessment scores, "
        "attempts, lab flags captured and last activity. Another instructor gets "
        "403 (404 for a course they cannot see at all).",
    )
    def get(self, request, course_id, *args, **kwargs):
        query = RosterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        course = selectors.course_get_managed(
            actor=request.user, course_id=int(course_id), what="the roster"
        )
        enrollments = roster.roster_enrollments(
            course=course, status=query.validated_data.get("status")
        )
        if query.validated_data.get("format") == "csv":
            everyone = roster.roster_build(course=course, enrollments=enrollments)
            response = HttpResponse(
                roster.roster_csv(roster=everyone),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{roster.roster_filename(course=course)}"'
            )
            return response
        paginator = PagePagination()
        page = paginator.paginate_queryset(enrollments, request, self)
        rows = roster.roster_build(course=course, enrollments=page).rows
        return paginator.get_paginated_response(RosterRowOutput(rows, many=True).data)


class CourseProgressView(APIView):
    @extend_schema(
        responses={
            200: OneOfEnvelopes(
                CourseProgressOutput,
                paginated=[LearnerProgressOutput],
                description="The learner's own progress (an object), or for the "
                "course's instructor and admins one row per learner (a paginated "
                "list).",
            )
        },
        tags=["learning"],
        description=(
            "A learner gets their own progress. The course's instructor and admins get "
            "one row per learner (paginated, `LearnerProgressOutput` items)."
        ),
    )
    def get(self, request, course_id, *args, **kwargs):
        course, manages = selectors.course_for_progress(
            actor=request.user, course_id=int(course_id)
        )
        if manages:
            return paginated_response(
                self,
                request,
                selectors.course_learner_rows(course=course),
                LearnerProgressOutput,
            )
        enrollment = selectors.enrollment_get_own(actor=request.user, course=course)
        rows = list(selectors.module_progress_rows(user=request.user, course=course))
        return Response(
            CourseProgressOutput(
                {
                    "course_id": course.pk,
                    "status": enrollment.status,
                    "progress_percentage": enrollment.progress_percentage,
                    "completed_module_ids": [
                        r.module_id for r in rows if r.completed_at
                    ],
                    "modules": rows,
                    "last_accessed": enrollment.last_accessed,
                    "last_module_id": enrollment.last_module_id,
                    "completed_at": enrollment.completed_at,
                }
            ).data
        )


class ModuleProgressView(APIView):
    @extend_schema(
        request=ProgressInput, responses={200: ProgressOutput}, tags=["learning"]
    )
    def post(self, request, course_id, module_id, *args, **kwargs):
        data = ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.module_progress_record(
            actor=request.user,
            course_id=int(course_id),
            module_id=int(module_id),
            **data.validated_data,
        )
        return Response(progress_output(result))


# --- A user's courses and certificates ---------------------------------------------


class UserCoursesView(APIView):
    @extend_schema(responses={200: EnrollmentOutput(many=True)}, tags=["users"])
    def get(self, request, user_id, *args, **kwargs):
        enrollments = selectors.enrollment_list_for_user(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        return paginated_response(
            self, request, enrollments, EnrollmentOutput, render=enrollment_rows_output
        )


class UserCertificatesView(APIView):
    @extend_schema(responses={200: CertificateOutput(many=True)}, tags=["users"])
    def get(self, request, user_id, *args, **kwargs):
        certificates = selectors.certificate_list_for_user(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        return paginated_response(self, request, certificates, CertificateOutput)


# --- Certificates ------------------------------------------------------------------


class CertificateDetailView(APIView):
    @extend_schema(responses={200: CertificateOutput}, tags=["certificates"])
    def get(self, request, certificate_id, *args, **kwargs):
        certificate = selectors.certificate_get_visible(
            actor=request.user, certificate_id=int(certificate_id)
        )
        return Response(CertificateOutput(certificate).data)


class CertificateDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                description="The certificate PDF."
            )
        },
        tags=["certificates"],
    )
    def get(self, request, certificate_id, *args, **kwargs):
        certificate = selectors.certificate_get_downloadable(
            actor=request.user, certificate_id=int(certificate_id)
        )
        return certificate_pdf_response(certificate=certificate)


class CertificateVerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=VerifyInput, responses={200: VerifyOutput}, tags=["certificates"]
    )
    def post(self, request, certificate_id, *args, **kwargs):
        data = VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = certificate_verify(
            number=data.validated_data.get("certificate_number", ""),
            verification_hash=data.validated_data.get("verification_hash", ""),
        )
        certificate = result.certificate
        # The id in the path must name the same certificate; otherwise it is forged.
        if certificate is None or certificate.pk != int(certificate_id):
            return Response({"valid": False})
        return Response(
            {
                "valid": result.valid,
                "holder_name": certificate.holder_name,
                "course_title": certificate.course_title,
                "issued_at": certificate.issued_at,
                "expires_at": certificate.expires_at,
                "revoked": result.revoked,
                "expired": result.expired,
            }
        )


class CertificateRevokeView(APIView):
    permission_classes = [IsAuthenticated, MFAEnrolled, IsAdminRole]

    @extend_schema(
        request=RevokeInput, responses={200: CertificateOutput}, tags=["certificates"]
    )
    def post(self, request, certificate_id, *args, **kwargs):
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = selectors.certificate_get_visible(
            actor=request.user, certificate_id=int(certificate_id)
        )
        certificate = certificate_revoke(
            certificate=certificate,
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(CertificateOutput(certificate).data)
