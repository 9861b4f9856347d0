"""The talent pipeline API (API.md Part 2, "Skills and careers"). Thin views over
``corporate.talent`` selectors and services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.skills.models import ROLE_ID_PATTERN
from portal.accounts.api.views import resolve_user_id
from portal.accounts.permissions import is_admin
from portal.api.fields import StrictBooleanField, StrictCharField
from portal.api.pagination import PagePagination
from portal.errors import NotFound

from .. import selectors, services
from ..models import Clearance, InterestStatus

TAGS = ["talent"]
PROFILE_ID = OpenApiParameter(
    "profile_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Profile id."
)
INTEREST_ID = OpenApiParameter(
    "interest_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Interest id."
)


# --- Serializers -------------------------------------------------------------------


class RoleRef(serializers.Serializer):
    id = serializers.CharField(source="nice_id")
    title = serializers.CharField()


class TalentProfileOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    visible = serializers.BooleanField()
    headline = serializers.CharField()
    target_roles = serializers.SerializerMethodField()
    location = serializers.CharField()
    availability_date = serializers.DateField(allow_null=True)
    separation_date = serializers.DateField(allow_null=True)
    clearance_level = serializers.ChoiceField(choices=Clearance.choices)
    updated_at = serializers.DateTimeField(allow_null=True)

    def get_target_roles(self, profile) -> RoleRef(many=True):
        if profile.pk is None:
            return []
        return RoleRef(profile.target_roles.all(), many=True).data


class TalentProfileInput(serializers.Serializer):
    visible = StrictBooleanField(required=False)
    headline = StrictCharField(required=False, allow_blank=True, max_length=200)
    target_roles = serializers.ListField(
        child=serializers.RegexField(rf"^{ROLE_ID_PATTERN}$", max_length=20),
        required=False,
        max_length=10,
        help_text=_("NICE work role ids, e.g. `PD-WRL-003`."),
    )
    location = StrictCharField(required=False, allow_blank=True, max_length=120)
    availability_date = serializers.DateField(required=False, allow_null=True)
    separation_date = serializers.DateField(required=False, allow_null=True)
    clearance_level = serializers.ChoiceField(
        choices=Clearance.choices, required=False, allow_blank=True
    )


class CertificateEvidence(serializers.Serializer):
    course_title = serializers.CharField()
    issued_at = serializers.DateTimeField()


class LabEvidence(serializers.Serializer):
    title = serializers.CharField()
    at = serializers.DateTimeField()


class ContactOutput(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()


class CandidateOutput(serializers.Serializer):
    profile_id = serializers.IntegerField(source="profile.pk")
    first_name = serializers.CharField(help_text=_("Given name only."))
    headline = serializers.CharField(source="profile.headline")
    location = serializers.CharField(source="profile.location")
    availability_date = serializers.DateField(
        source="profile.availability_date", allow_null=True
    )
    separation_date = serializers.DateField(
        source="profile.separation_date", allow_null=True
    )
    clearance_level = serializers.CharField(source="profile.clearance_level")
    target_roles = RoleRef(source="profile.target_roles.all", many=True)
    coverage = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1),
        help_text=_("Coverage (0 to 1) per work role: the one searched, or targets."),
    )
    certificates = CertificateEvidence(many=True)
    labs = LabEvidence(many=True)
    contact = ContactOutput(
        allow_null=True,
        help_text=_("Only once the learner accepted your interest; else null."),
    )


class CandidateQuery(serializers.Serializer):
    work_role = serializers.RegexField(
        rf"^{ROLE_ID_PATTERN}$", required=False, max_length=20
    )
    min_coverage = serializers.FloatField(required=False, min_value=0, max_value=1)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class InterestInput(serializers.Serializer):
    message = StrictCharField(max_length=2000)


class PartyOutput(serializers.Serializer):
    name = serializers.CharField()
    organization = serializers.CharField()


class InterestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=InterestStatus.choices)
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    profile_id = serializers.IntegerField()
    candidate_first_name = serializers.SerializerMethodField()
    representative = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    def get_candidate_first_name(self, interest) -> str:
        return interest.profile.user.first_name

    def get_representative(self, interest) -> PartyOutput:
        return {
            "name": interest.representative.get_full_name(),
            "organization": interest.organization.name,
        }

    def get_contact(self, interest) -> ContactOutput(allow_null=True):
        return selectors.interest_contact(
            actor=self.context["request"].user, interest=interest
        )


class InterestListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=InterestStatus.choices, required=False)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Views -------------------------------------------------------------------------


def _profile_owner(request, user_id: str, *, write: bool):
    """The learner whose profile this is: the caller (``me`` or their id); admins
    may read anyone's. Anyone else: 404."""
    target = resolve_user_id(request, user_id)
    if target == request.user.pk:
        return request.user
    if not write and is_admin(request.user):
        return selectors.talent_profile_user(user_id=target)
    raise NotFound(_("Talent profile not found."))


class TalentProfileView(APIView):
    @extend_schema(responses=TalentProfileOutput, tags=TAGS)
    def get(self, request, user_id, *args, **kwargs):
        owner = _profile_owner(request, user_id, write=False)
        profile = selectors.talent_profile_of(user=owner)
        return Response(TalentProfileOutput(profile).data)

    @extend_schema(
        request=TalentProfileInput,
        responses=TalentProfileOutput,
        tags=TAGS,
        description=_(
            "Partial update; `visible` false (the default) keeps the learner out of "
            "every search."
        ),
    )
    def put(self, request, user_id, *args, **kwargs):
        _profile_owner(request, user_id, write=True)
        data = _validated(TalentProfileInput, request.data)
        services.talent_profile_update(actor=request.user, data=data)
        profile = selectors.talent_profile_of(user=request.user)
        return Response(TalentProfileOutput(profile).data)

    patch = put


class CandidateListView(APIView):
    @extend_schema(
        parameters=[CandidateQuery],
        responses=CandidateOutput(many=True),
        tags=TAGS,
        description=_(
            "Corporate representatives and admins: visible profiles only, best "
            "coverage first. No surname or e-mail until the learner accepts."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = _validated(CandidateQuery, request.query_params)
        filters = selectors.CandidateFilters(
            work_role=query.get("work_role"),
            min_coverage=query.get("min_coverage"),
            q=query.get("q", ""),
        )
        candidates = selectors.candidate_list(actor=request.user, filters=filters)
        services.talent_search_record(
            actor=request.user,
            filters={k: v for k, v in query.items() if v not in (None, "")},
            results=len(candidates),
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(candidates, request, self)
        return paginator.get_paginated_response(CandidateOutput(page, many=True).data)


class InterestCreateView(APIView):
    @extend_schema(
        parameters=[PROFILE_ID],
        request=InterestInput,
        responses={201: InterestOutput},
        tags=TAGS,
        description=_("A corporate representative asks to contact the candidate."),
    )
    def post(self, request, profile_id, *args, **kwargs):
        data = _validated(InterestInput, request.data)
        interest = services.interest_send(
            actor=request.user, profile_id=int(profile_id), message=data["message"]
        )
        interest = selectors.interest_get_visible(
            actor=request.user, interest_id=interest.pk
        )
        return Response(
            InterestOutput(interest, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class InterestListView(APIView):
    @extend_schema(
        parameters=[InterestListQuery],
        responses=InterestOutput(many=True),
        tags=TAGS,
        description=_(
            "Interests about the caller's profile, or sent by the caller (admins: all)."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = _validated(InterestListQuery, request.query_params)
        interests = selectors.interest_list(
            actor=request.user, status=query.get("status")
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(interests, request, self)
        return paginator.get_paginated_response(
            InterestOutput(page, many=True, context={"request": request}).data
        )


class InterestDetailView(APIView):
    @extend_schema(parameters=[INTEREST_ID], responses=InterestOutput, tags=TAGS)
    def get(self, request, interest_id, *args, **kwargs):
        interest = selectors.interest_get_visible(
            actor=request.user, interest_id=int(interest_id)
        )
        return Response(InterestOutput(interest, context={"request": request}).data)


class InterestRespondView(APIView):
    accept = True

    @extend_schema(
        parameters=[INTEREST_ID],
        request=None,
        responses=InterestOutput,
        tags=TAGS,
        description=_(
            "The learner answers; on accept the representative sees their name and "
            "e-mail."
        ),
    )
    def post(self, request, interest_id, *args, **kwargs):
        services.interest_respond(
            actor=request.user, interest_id=int(interest_id), accept=self.accept
        )
        interest = selectors.interest_get_visible(
            actor=request.user, interest_id=int(interest_id)
        )
        return Response(InterestOutput(interest, context={"request": request}).data)


class InterestDeclineView(InterestRespondView):
    accept = False
