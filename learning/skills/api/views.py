"""The competencies API (API.md Part 2, "Skills and careers"): NICE work roles, and a
learner's coverage of them. Thin views over ``learning.skills.selectors``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.api.views import resolve_user_id
from portal.accounts.selectors import user_get_visible
from portal.api.fields import QueryBooleanField
from portal.api.pagination import PagePagination, paginated_response
from portal.api.responses import ApiResponse

from .. import selectors
from ..cache import FRAMEWORK_CACHE
from ..models import ROLE_ID_PATTERN, StatementKind

TAGS = ["competencies"]
ROLE_ID = OpenApiParameter(
    "role_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{ROLE_ID_PATTERN}$",
    description="The NICE work role id, e.g. `PD-WRL-003`.",
)


# --- Serializers -------------------------------------------------------------------


class CategoryOutput(serializers.Serializer):
    id = serializers.CharField(source="nice_id")
    title = serializers.CharField()


class StatementCountsOutput(serializers.Serializer):
    task = serializers.IntegerField()
    knowledge = serializers.IntegerField()
    skill = serializers.IntegerField()
    total = serializers.IntegerField()


class WorkRoleOutput(serializers.Serializer):
    id = serializers.CharField(source="nice_id", help_text="The NICE id.")
    title = serializers.CharField()
    description = serializers.CharField()
    category = CategoryOutput()
    opm_code = serializers.CharField()
    framework_version = serializers.CharField(source="framework.version")
    statement_counts = serializers.SerializerMethodField()

    def get_statement_counts(self, role) -> StatementCountsOutput:
        counts = {
            kind: getattr(role, f"{kind}_count", 0) for kind in StatementKind.values
        }
        return {**counts, "total": sum(counts.values())}


class StatementOutput(serializers.Serializer):
    id = serializers.CharField(source="nice_id", help_text="T####, K#### or S####.")
    kind = serializers.ChoiceField(choices=StatementKind.choices)
    text = serializers.CharField()


class WorkRoleDetailOutput(WorkRoleOutput):
    statements = serializers.SerializerMethodField()

    def get_statements(self, role) -> StatementOutput(many=True):
        return StatementOutput(
            sorted(role.statements.all(), key=lambda s: (s.kind, s.nice_id)),
            many=True,
        ).data


class WorkRoleListQuery(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=["OG", "DD", "IO", "PD", "IN"], required=False
    )


class KindCoverageOutput(serializers.Serializer):
    covered = serializers.IntegerField()
    total = serializers.IntegerField()
    coverage = serializers.FloatField(min_value=0, max_value=1)


class ByKindOutput(serializers.Serializer):
    task = KindCoverageOutput()
    knowledge = KindCoverageOutput()
    skill = KindCoverageOutput()


class EvidenceOutput(serializers.Serializer):
    statement = serializers.CharField(help_text="The NICE id demonstrated.")
    source = serializers.ChoiceField(choices=["question", "flag"])
    title = serializers.CharField(help_text="The assessment (and question).")
    assessment_id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    at = serializers.DateTimeField()


class SuggestedCourseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    covers = serializers.IntegerField(
        help_text="How many of the missing statements the course is tagged with."
    )


class RoleRefOutput(serializers.Serializer):
    id = serializers.CharField(source="nice_id")
    title = serializers.CharField()
    category = CategoryOutput()


class CompetencyOutput(serializers.Serializer):
    work_role = RoleRefOutput()
    coverage = serializers.FloatField(min_value=0, max_value=1)
    covered = serializers.IntegerField()
    total = serializers.IntegerField()
    by_kind = ByKindOutput()
    evidence = EvidenceOutput(many=True)
    missing_tasks = StatementOutput(many=True)
    suggested_courses = SuggestedCourseOutput(many=True)


class CompetencyQuery(serializers.Serializer):
    work_role = serializers.RegexField(
        rf"^{ROLE_ID_PATTERN}$", required=False, max_length=20
    )
    include_empty = QueryBooleanField(
        required=False,
        default=False,
        help_text="Also list work roles with no coverage at all.",
    )


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Views -------------------------------------------------------------------------


class WorkRoleListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[WorkRoleListQuery],
        responses=WorkRoleOutput(many=True),
        tags=TAGS,
        description=_(
            "NICE work roles of the current framework version with their category "
            "and statement counts."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = _validated(WorkRoleListQuery, request.query_params)
        page, per_page = PagePagination().page_params(request)

        def build():
            roles = selectors.work_role_list(category=query.get("category"))
            response = paginated_response(self, request, roles, WorkRoleOutput)
            return {"data": [dict(r) for r in response.data], "meta": response.meta}

        params = {"category": query.get("category"), "page": page, "per_page": per_page}
        entry = FRAMEWORK_CACHE.get_or_build("work-roles", params, build)
        return ApiResponse(entry["data"], meta=entry["meta"])


class WorkRoleDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ROLE_ID],
        responses=WorkRoleDetailOutput,
        tags=TAGS,
        description=_("One work role with its task, knowledge and skill statements."),
    )
    def get(self, request, role_id, *args, **kwargs):
        def build():
            role = selectors.work_role_get(nice_id=role_id)
            return dict(WorkRoleDetailOutput(role).data)

        return Response(
            FRAMEWORK_CACHE.get_or_build("work-role", {"id": role_id}, build)
        )


class UserCompetenciesView(APIView):
    @extend_schema(
        parameters=[CompetencyQuery],
        responses=CompetencyOutput(many=True),
        tags=["users", *TAGS],
        description=_(
            "Per work role: the share of its statements the learner demonstrated "
            "(a tagged question answered correctly in a passed attempt, a tagged "
            "lab flag captured), in total and per kind, with the evidence, the "
            "missing tasks and courses that cover the gap. Best coverage first; "
            "roles without any coverage only with `include_empty`. Readable by "
            "whoever may read the user (`GET /users/{id}`)."
        ),
    )
    def get(self, request, user_id, *args, **kwargs):
        user = user_get_visible(
            actor=request.user, user_id=resolve_user_id(request, user_id)
        )
        query = _validated(CompetencyQuery, request.query_params)
        results = selectors.user_competencies(
            user=user,
            work_role=query.get("work_role"),
            include_empty=query["include_empty"],
        )
        return paginated_response(
            self,
            request,
            results,
            CompetencyOutput,
            prepare=lambda page: selectors.gap_report_fill(results=page),
        )
