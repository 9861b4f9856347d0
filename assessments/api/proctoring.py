"""Proctoring API: the learner client's events, and the staff review.

Contract for the learner page: ``POST /assessments/{id}/start`` on a proctored exam
returns ``proctor_token`` once, when it creates the attempt; the client keeps it
(sessionStorage) and sends it as the ``X-Proctor-Session`` header with every later
call for the attempt (resume, autosave, submit, events). Without it those calls get
409 ``PROCTOR_SESSION_ACTIVE``.

A learner who lost the token (browser crash) asks staff for a reset
(``POST /attempts/{id}/proctor-session/reset``); the learner's next resume (start,
without a token) then opens a new session and its 200 response carries the new
``proctor_token``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.throttles import CountingThrottle
from portal.api.fields import QUERY_BOOLEAN_SCHEMA, query_boolean
from portal.api.pagination import PagePagination
from portal.audit.services import request_metadata

from ..models import AttemptStatus, ProctorEventKind
from ..services import proctoring

STATUS_HELP = "Attempt status: " + ", ".join(AttemptStatus.values) + "."


def client_info(request) -> proctoring.ClientInfo:
    """The caller's IP address (``portal.proxies.client_ip``) and User-Agent."""
    meta = request_metadata(request=request)
    return proctoring.ClientInfo.of(meta["ip_address"], meta["user_agent"])


def proctor_token(request) -> str | None:
    """The ``X-Proctor-Session`` header of the request, if any."""
    return request.headers.get(proctoring.TOKEN_HEADER) or None


PROCTOR_HEADER = OpenApiParameter(
    proctoring.TOKEN_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Proctored exams: the `proctor_token` the start call returned. "
    "Required for every call on a proctored attempt after its start; without it "
    "409 `PROCTOR_SESSION_ACTIVE`.",
)


class ProctorEventsThrottle(CountingThrottle):
    """Events per learner (``THROTTLE_RATE_PROCTOR_EVENTS``): a client reporting in
    a loop is cut off with 429 rather than filling the table."""

    scope = "proctor_events"

    def ident_key(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return self.get_ident(request)


# --- Serializers -------------------------------------------------------------------


class EventInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in proctoring.CLIENT_EVENT_KINDS],
        help_text="What the client noticed. Server-only kinds ("
        + ", ".join(proctoring.SERVER_EVENT_KINDS)
        + ") are refused.",
    )
    occurred_at = serializers.DateTimeField(
        help_text="When, by the client's clock (ISO 8601); within a day of now."
    )
    details = serializers.JSONField(
        required=False,
        help_text="Optional object, at most 2 KB of JSON (e.g. how long focus was "
        "lost).",
    )


class EventsInput(serializers.Serializer):
    """The documented request body. The service validates it (so that errors name
    ``events[i].kind`` the way the rest of the API names list items)."""

    events = EventInput(
        many=True,
        min_length=1,
        max_length=proctoring.MAX_EVENTS_PER_BATCH,
        help_text=f"1 to {proctoring.MAX_EVENTS_PER_BATCH} events.",
    )


class EventsBody(serializers.Serializer):
    events = serializers.JSONField()


class EventsRecordedOutput(serializers.Serializer):
    recorded = serializers.IntegerField()


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ProctorEventKind.choices)
    occurred_at = serializers.DateTimeField(help_text="Client clock, as reported.")
    recorded_at = serializers.DateTimeField(help_text="Server clock.")
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    session_id = serializers.IntegerField(allow_null=True)
    details = serializers.JSONField()


class LearnerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


class EventCountsOutput(serializers.Serializer):
    focus_lost = serializers.IntegerField()
    tab_hidden = serializers.IntegerField()
    copy = serializers.IntegerField()
    paste = serializers.IntegerField()
    fullscreen_exit = serializers.IntegerField()
    ip_changed = serializers.IntegerField()
    user_agent_changed = serializers.IntegerField()
    second_session_refused = serializers.IntegerField()
    session_reset = serializers.IntegerField(help_text="Sessions reset by staff.")


class ProctoredAttemptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    learner = LearnerOutput()
    attempt_number = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    flagged = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    ip_address = serializers.CharField(
        allow_null=True, help_text="Where the attempt started."
    )
    user_agent = serializers.CharField(help_text="The browser it started in.")
    sessions_count = serializers.IntegerField()
    session_active = serializers.BooleanField(
        help_text="Whether a session is open now (false after a submit, an "
        "invalidation, or a staff reset until the learner resumes)."
    )
    events_count = serializers.IntegerField()
    event_counts = EventCountsOutput(help_text="Events by kind.")
    invalidated_at = serializers.DateTimeField(allow_null=True)
    invalidation_reason = serializers.CharField()


class InvalidateInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=proctoring.MAX_REASON_LENGTH,
        help_text="Why (kept on the attempt and in the audit log).",
    )


class InvalidatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    passed = serializers.BooleanField(allow_null=True)
    invalidated_at = serializers.DateTimeField()
    invalidated_by = serializers.IntegerField()
    invalidation_reason = serializers.CharField()
    completion_revoked = serializers.BooleanField(
        help_text="The attempt's pass had completed its module (a required "
        "assessment) and no other passed attempt stands: the module is no longer "
        "completed."
    )
    course_completion_revoked = serializers.BooleanField(
        help_text="The course was completed and no longer is: the enrollment is "
        "active again."
    )
    certificate_revoked = serializers.BooleanField(
        help_text="The course's certificate was revoked (verification reports it "
        "revoked)."
    )


class SessionResetInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=proctoring.MAX_REASON_LENGTH,
        help_text="Why (kept on the attempt's timeline and in the audit log).",
    )


def attempt_rows(attempts) -> list[dict]:
    counts = proctoring.proctor_event_counts(attempt_ids=[a.pk for a in attempts])
    return [
        {
            "id": a.pk,
            "learner": {
                "id": a.user.pk,
                "email": a.user.email,
                "name": a.user.get_full_name() or a.user.email,
            },
            "attempt_number": a.attempt_number,
            "status": a.status,
            "score": a.score,
            "passed": a.passed,
            "flagged": a.flagged,
            "started_at": a.started_at,
            "submitted_at": a.submitted_at,
            "ip_address": a.ip_address,
            "user_agent": a.user_agent,
            "sessions_count": a.sessions_count,
            "session_active": a.session_active,
            "events_count": a.events_count,
            "event_counts": counts[a.pk],
            "invalidated_at": a.invalidated_at,
            "invalidation_reason": a.invalidation_reason,
        }
        for a in attempts
    ]


def _flagged_param(request) -> bool | None:
    return query_boolean(request.query_params.get("flagged"), field="flagged")


# --- Views -------------------------------------------------------------------------


class AttemptEventsView(APIView):
    """POST: the learner's client reports events. GET: staff read them."""

    def get_throttles(self):
        if self.request.method == "POST":
            return [ProctorEventsThrottle()]
        return super().get_throttles()

    @extend_schema(
        parameters=[PROCTOR_HEADER],
        request=EventsInput,
        responses={201: EventsRecordedOutput},
        tags=["proctoring"],
        description="The proctoring client reports what it noticed in a proctored "
        "exam (focus lost, tab hidden, copy, paste, full screen left): 1 to 50 "
        "events per call; any event flags the attempt for review. Only the "
        "attempt's learner (others 404), with the `X-Proctor-Session` header (else "
        "409 `PROCTOR_SESSION_ACTIVE`), while the attempt is in progress (else 409 "
        "`CONFLICT`). A non-proctored attempt: 409 `CONFLICT`. Unknown or "
        "server-only kinds, dates more than a day off, details over 2 KB: 400. "
        "Rate limited per learner (429).",
    )
    def post(self, request, attempt_id, *args, **kwargs):
        data = EventsBody(data=request.data)
        data.is_valid(raise_exception=True)
        recorded = proctoring.proctor_events_record(
            actor=request.user,
            attempt_id=int(attempt_id),
            events=data.validated_data["events"],
            token=proctor_token(request),
            client=client_info(request),
        )
        return Response(
            EventsRecordedOutput({"recorded": recorded}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={200: EventOutput(many=True)},
        tags=["proctoring"],
        description="An attempt's proctoring events in the order recorded. The "
        "course's instructor and admins; the attempt's learner 403; anyone else "
        "404. Paginated.",
    )
    def get(self, request, attempt_id, *args, **kwargs):
        events = proctoring.proctor_event_list(
            actor=request.user, attempt_id=int(attempt_id)
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(events, request, self)
        return paginator.get_paginated_response(EventOutput(page, many=True).data)


class AssessmentProctoringView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "flagged",
                QUERY_BOOLEAN_SCHEMA,
                description="true: only flagged attempts; false: only unflagged.",
            )
        ],
        responses={200: ProctoredAttemptOutput(many=True)},
        tags=["proctoring"],
        description="Every attempt at the assessment with its proctoring record: "
        "flag, event counts by kind, sessions, where it started. Flagged first, "
        "then newest. The course's instructor and admins; enrolled learners and "
        "other instructors 403; drafts and unknown ids 404. Paginated.",
    )
    def get(self, request, assessment_id, *args, **kwargs):
        flagged = _flagged_param(request)
        attempts = proctoring.proctoring_attempt_list(
            actor=request.user, assessment_id=int(assessment_id), flagged=flagged
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(attempts, request, self)
        return paginator.get_paginated_response(
            ProctoredAttemptOutput(attempt_rows(page), many=True).data
        )


class AttemptInvalidateView(APIView):
    @extend_schema(
        request=InvalidateInput,
        responses={200: InvalidatedOutput},
        tags=["proctoring"],
        description="Invalidate an attempt: status `invalidated`, not passed, its "
        "proctoring session ended, an audit log entry written; it still counts "
        "against the attempt limit. A passed attempt at a required assessment (one "
        "that completes its module) also loses what the pass earned, unless the "
        "learner has another passed attempt at the same assessment: the module's "
        "completion and, if the course is then no longer complete, the course "
        "completion and the certificate (revoked with the reason); "
        "`completion_revoked`, `course_completion_revoked` and "
        "`certificate_revoked` say what was undone. The course's instructor and "
        "admins; the attempt's learner 403; anyone else 404. `reason` required "
        "(400). Already invalidated: 409 `CONFLICT`.",
    )
    def post(self, request, attempt_id, *args, **kwargs):
        data = InvalidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = proctoring.attempt_invalidate(
            actor=request.user,
            attempt_id=int(attempt_id),
            reason=data.validated_data["reason"],
            client=client_info(request),
        )
        attempt = result.attempt
        return Response(
            InvalidatedOutput(
                {
                    "id": attempt.pk,
                    "status": attempt.status,
                    "passed": attempt.passed,
                    "invalidated_at": attempt.invalidated_at,
                    "invalidated_by": attempt.invalidated_by_id,
                    "invalidation_reason": attempt.invalidation_reason,
                    "completion_revoked": result.revoked.module_revoked,
                    "course_completion_revoked": result.revoked.enrollment_reopened,
                    "certificate_revoked": result.revoked.certificate_revoked,
                }
            ).data
        )


class AttemptProctorSessionResetView(APIView):
    @extend_schema(
        request=SessionResetInput,
        responses={200: ProctoredAttemptOutput},
        tags=["proctoring"],
        description="Reset the proctoring session of an attempt in progress whose "
        "learner lost the session token (a browser crash): the active session "
        "ends (the old token stops working), a `session_reset` event (who, why) "
        "joins the timeline, the attempt is flagged for review and the reset is "
        "audit logged. The learner's next `POST /assessments/{id}/start` (resume, "
        "without a token) opens a new session: its 200 response carries the new "
        "`proctor_token`. Answers, deadline and attempts used are unchanged. "
        "Returns the attempt's proctoring summary. The course's instructor and "
        "admins; the attempt's learner 403; anyone else 404. `reason` required "
        "(400). An attempt not in progress: 409 `ATTEMPT_NOT_IN_PROGRESS`; not "
        "proctored: 409 `CONFLICT`.",
    )
    def post(self, request, attempt_id, *args, **kwargs):
        data = SessionResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = proctoring.proctor_session_reset(
            actor=request.user,
            attempt_id=int(attempt_id),
            reason=data.validated_data["reason"],
            client=client_info(request),
        )
        summary = proctoring.proctoring_attempt_summary(attempt_id=attempt.pk)
        return Response(ProctoredAttemptOutput(attempt_rows([summary])[0]).data)
