"""Privacy API (API.md Part 2, "Privacy"): export, erasure, the consent ledger.

Export and consents are the person's own: ``/users/{id}/...`` of anyone else is
404. Erasure is the person's (with their password) or an administrator's."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.models import User
from portal.accounts.throttles import FailureThrottle
from portal.api.fields import StrictBooleanField
from portal.api.pagination import paginated_response
from portal.errors import NotFound, PermissionDenied
from portal.jobs.api.views import JobOutput, job_data

from .. import services
from ..models import ConsentPurpose, ConsentSource
from ..selectors import consent_current_list, consent_list

TAGS = ["privacy"]
MAX_ID = 2**63 - 1
JobAccepted = inline_serializer("PrivacyJobAccepted", {"job": JobOutput()})


def _user(request, user_id: str, *, own_only: bool = True) -> User:
    """The user a path names (``me`` is the caller). With ``own_only``, anyone but
    the caller does not exist."""
    if user_id == "me" or (user_id.isdigit() and int(user_id) == request.user.pk):
        return request.user
    if own_only or int(user_id) > MAX_ID:
        raise NotFound("User not found.")
    user = User.objects.filter(pk=int(user_id)).first()
    if user is None:
        raise NotFound("User not found.")
    return user


def _accepted(job, request) -> Response:
    return Response(
        {"job": job_data(job, viewer=request.user)}, status=status.HTTP_202_ACCEPTED
    )


class ExportView(APIView):
    @extend_schema(
        request=None,
        responses={202: JobAccepted},
        tags=TAGS,
        description="Start an export of everything the portal holds about you. Follow "
        "the job at `/api/v1/jobs/{id}`; when it has succeeded, `result` holds "
        "`download_url` (a ZIP: one JSON file per kind of record, README.txt, your "
        "files under `files/`), `expires_at` (PRIVACY_EXPORT_TTL_HOURS) and the "
        "record count per section. The download works **once** and only for you; "
        "afterwards, or after it expired, it is 404. Another user's id: 404. "
        "409 `EXPORT_IN_PROGRESS` while an export of yours is being prepared.",
    )
    def post(self, request, user_id, *args, **kwargs):
        user = _user(request, user_id)
        job = services.personal_data_export_start(actor=request.user, user=user)
        return _accepted(job, request)


class EraseInput(serializers.Serializer):
    password = serializers.CharField(
        required=False,
        max_length=4096,
        trim_whitespace=False,
        help_text="Your current password; required to erase your own account.",
    )


class EraseThrottle(FailureThrottle):
    """Wrong passwords per account: a stolen access token alone cannot guess its
    way to erasing the account."""

    scope = "privacy_erase"

    def ident_key(self, request):
        return f"user:{request.user.pk}" if request.user.is_authenticated else None


class EraseView(APIView):
    throttle_classes = [EraseThrottle]

    @extend_schema(
        request=EraseInput,
        responses={202: JobAccepted},
        tags=TAGS,
        description="Erase an account's personal data. Your own (`me` or your id): "
        "send `password` (missing: 400, wrong: 403; five wrong ones an hour: 429). "
        "An administrator erases another account without it; for anyone else "
        "another id is 404. The job deletes or anonymizes every record about the "
        "person, ends every session and token, and leaves the account as an "
        "anonymous placeholder nobody can sign in to (the e-mail address is free "
        "to register again). Certificates stay verifiable by number and hash "
        "(holder name withheld), orders are kept for tax law; `result.kept` says "
        "what was kept and why, `result.erased` what was deleted or anonymized. "
        "409 `ALREADY_ERASED` or `ERASURE_IN_PROGRESS`.",
    )
    def post(self, request, user_id, *args, **kwargs):
        user = _user(request, user_id, own_only=False)
        data = EraseInput(data=request.data)
        data.is_valid(raise_exception=True)
        password = data.validated_data.get("password")
        if user.pk == request.user.pk and not password:
            raise serializers.ValidationError(
                {"password": ["Confirm with your password."]}
            )
        try:
            job = services.personal_data_erase_start(
                actor=request.user, user=user, password=password
            )
        except PermissionDenied:
            for throttle in self._throttles:
                throttle.record_failure()
            raise
        return _accepted(job, request)

    def check_throttles(self, request):
        # Keep the instances: a wrong password is recorded on them afterwards.
        self._throttles = self.get_throttles()
        for throttle in self._throttles:
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())


class ConsentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField()
    at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=ConsentSource.choices)


class ConsentInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = StrictBooleanField()


class ConsentQuery(serializers.Serializer):
    current = StrictBooleanField(
        required=False,
        default=False,
        help_text="Only the latest choice per purpose (the current state).",
    )


class ConsentListView(APIView):
    @extend_schema(
        parameters=[ConsentQuery],
        responses={200: ConsentOutput(many=True)},
        tags=TAGS,
        description="Your consent ledger, newest first (paginated): every choice "
        "`{purpose, granted, at}` you made. `?current=true`: only the latest per "
        "purpose; a purpose you never chose is absent and counts as not granted. "
        "Another user's id: 404.",
    )
    def get(self, request, user_id, *args, **kwargs):
        user = _user(request, user_id)
        query = ConsentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["current"]:
            rows = consent_current_list(user=user)
        else:
            rows = consent_list(user=user)
        return paginated_response(self, request, rows, ConsentOutput)

    @extend_schema(
        request=ConsentInput,
        responses={201: ConsentOutput},
        tags=TAGS,
        description="Record a choice: appends `{purpose, granted}` to your ledger "
        "(rows are never changed or removed). Withdrawing `talent_pipeline` hides "
        "your career profile from employers at once.",
    )
    def post(self, request, user_id, *args, **kwargs):
        user = _user(request, user_id)
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.consent_record(user=user, **data.validated_data)
        return Response(ConsentOutput(record).data, status=status.HTTP_201_CREATED)
