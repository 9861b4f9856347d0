"""Mentorship API (API.md Part 2, "Mentorship"): thin views over the services and
selectors of ``learning.mentorship``. Who may see what is the selectors' rule
(404 where existence is private); who may act is the services' (403)."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.permissions import IsAdminRole, MFAEnrolled
from portal.api.pagination import paginated_response
from portal.errors import NotFound, PermissionDenied

from .. import selectors, services
from ..calendar import ICS_MIMETYPE, session_ics
from . import serializers as s

TAGS = ["mentorship"]


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{ICS_MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


ICS_RESPONSE = {
    (200, ICS_MIMETYPE): OpenApiResponse(
        response={"type": "string", "format": "binary"},
        description="An RFC 5545 calendar with one VEVENT.",
    )
}


# --- Assignments ---------------------------------------------------------------------


class MentorshipListView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), MFAEnrolled(), IsAdminRole()]
        return [IsAuthenticated()]

    @extend_schema(
        parameters=[s.MentorshipQuery],
        responses={200: s.MentorshipOutput(many=True)},
        tags=TAGS,
        description="Admins: every mentorship. Mentors: their active mentees, with "
        "a progress summary. Learners: their own mentors (ended ones too).",
    )
    def get(self, request, *args, **kwargs):
        query = _valid(s.MentorshipQuery, request.query_params)
        rows = selectors.mentorship_list(actor=request.user, active=query.get("active"))
        return paginated_response(
            self,
            request,
            rows,
            s.MentorshipOutput,
            prepare=selectors.mentorship_progress_fill,
        )

    @extend_schema(
        request=s.MentorshipInput,
        responses={201: s.MentorshipOutput},
        tags=TAGS,
        description="Admins assign a mentor (who must hold the mentor role) to a "
        "learner, optionally for one course. 409 when the pair is already active.",
    )
    def post(self, request, *args, **kwargs):
        data = _valid(s.MentorshipInput, request.data)
        assignment = services.mentorship_create(actor=request.user, **data)
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=assignment.pk
        )
        return Response(
            s.MentorshipOutput(assignment).data, status=status.HTTP_201_CREATED
        )


class MentorshipDetailView(APIView):
    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated(), MFAEnrolled(), IsAdminRole()]
        return [IsAuthenticated()]

    @extend_schema(responses={200: s.MentorshipOutput}, tags=TAGS)
    def get(self, request, mentorship_id, *args, **kwargs):
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=int(mentorship_id)
        )
        return Response(s.MentorshipOutput(assignment).data)

    @extend_schema(
        request=None,
        responses={200: s.MentorshipOutput},
        tags=TAGS,
        description="Ends the mentorship: the mentor loses access to the learner at "
        "once and sessions still to come are cancelled.",
    )
    def delete(self, request, mentorship_id, *args, **kwargs):
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=int(mentorship_id)
        )
        services.mentorship_end(actor=request.user, assignment=assignment)
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=assignment.pk
        )
        return Response(s.MentorshipOutput(assignment).data)


class MentorLoadView(APIView):
    permission_classes = [IsAuthenticated, IsAdminRole]

    @extend_schema(
        responses={200: s.MentorLoadOutput(many=True)},
        tags=TAGS,
        description="Admins: every active mentor with the number of learners they "
        "mentor now, busiest first.",
    )
    def get(self, request, *args, **kwargs):
        return paginated_response(
            self, request, selectors.mentor_load_list(), s.MentorLoadOutput
        )


class ReviewListView(APIView):
    @extend_schema(
        responses={200: s.ReviewOutput(many=True)},
        tags=TAGS,
        description="The mentorship's progress reviews: its mentor (while active), "
        "its mentee and admins.",
    )
    def get(self, request, mentorship_id, *args, **kwargs):
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=int(mentorship_id)
        )
        reviews = selectors.review_list(actor=request.user, assignment=assignment)
        return paginated_response(self, request, reviews, s.ReviewOutput)

    @extend_schema(
        request=s.ReviewInput,
        responses={201: s.ReviewOutput},
        tags=TAGS,
        description="The mentor writes a progress review; the mentee is told. Others "
        "who can see the mentorship get 403.",
    )
    def post(self, request, mentorship_id, *args, **kwargs):
        assignment = selectors.mentorship_get(
            actor=request.user, assignment_id=int(mentorship_id)
        )
        data = _valid(s.ReviewInput, request.data)
        review = services.review_create(
            actor=request.user, assignment=assignment, **data
        )
        return Response(s.ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewAcknowledgeView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.ReviewOutput},
        tags=TAGS,
        description="The mentee confirms they read the review.",
    )
    def post(self, request, mentorship_id, review_id, *args, **kwargs):
        review = selectors.review_get_for_mentee(
            actor=request.user, review_id=int(review_id)
        )
        if review.assignment_id != int(mentorship_id):
            raise NotFound("Review not found.")
        review = services.review_acknowledge(actor=request.user, review=review)
        return Response(s.ReviewOutput(review).data)


# --- Requests ------------------------------------------------------------------------


class RequestListView(APIView):
    @extend_schema(
        parameters=[s.RequestQuery],
        responses={200: s.RequestOutput(many=True)},
        tags=TAGS,
        description="Learners: their own requests. Admins: the queue (`?status=open`).",
    )
    def get(self, request, *args, **kwargs):
        query = _valid(s.RequestQuery, request.query_params)
        rows = selectors.mentor_request_list(
            actor=request.user, status=query.get("status")
        )
        return paginated_response(self, request, rows, s.RequestOutput)

    @extend_schema(
        request=s.RequestInput,
        responses={201: s.RequestOutput},
        tags=TAGS,
        description="A learner asks for a mentor; 409 with one already open.",
    )
    def post(self, request, *args, **kwargs):
        data = _valid(s.RequestInput, request.data)
        created = services.mentor_request_create(actor=request.user, **data)
        return Response(s.RequestOutput(created).data, status=status.HTTP_201_CREATED)


class RequestResolveView(APIView):
    outcome = ""

    @extend_schema(request=None, responses={200: s.RequestOutput}, tags=TAGS)
    def post(self, request, request_id, *args, **kwargs):
        found = selectors.mentor_request_get(
            actor=request.user, request_id=int(request_id)
        )
        if self.outcome == "declined" and not IsAdminRole().has_permission(
            request, self
        ):
            raise PermissionDenied("Only admins decline requests.")
        if self.outcome == "withdrawn" and found.learner_id != request.user.pk:
            raise PermissionDenied("Only the learner withdraws a request.")
        found = services.mentor_request_resolve(
            actor=request.user, request=found, status=self.outcome
        )
        return Response(s.RequestOutput(found).data)


# --- Slots ---------------------------------------------------------------------------


class OwnSlotsView(APIView):
    @extend_schema(
        responses={200: s.SlotOutput(many=True)},
        tags=TAGS,
        description="The mentor's coming slots, booked or not (`booked`).",
    )
    def get(self, request, *args, **kwargs):
        if not selectors.acts_as_mentor(request.user):
            raise PermissionDenied("Only mentors have slots.")
        rows = selectors.slot_list_for_mentor(mentor=request.user)
        return paginated_response(self, request, rows, s.SlotOutput)

    @extend_schema(
        request=s.SlotInput,
        responses={201: s.SlotCreateOutput},
        tags=TAGS,
        description="Publish a slot (`repeat_weeks` > 1: the same local time every "
        "week). Overlapping one of your slots: 409 `SLOT_OVERLAP` (nothing is "
        "created). The response is the first slot, with every created one in "
        "`occurrences`.",
    )
    def post(self, request, *args, **kwargs):
        data = _valid(s.SlotInput, request.data)
        slots = services.slot_create(actor=request.user, **data)
        body = s.SlotOutput(slots[0]).data
        body["occurrences"] = s.SlotOutput(slots, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class OwnSlotDetailView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        description="Withdraw a free slot; a booked one is 409 (cancel first).",
    )
    def delete(self, request, slot_id, *args, **kwargs):
        services.slot_delete(actor=request.user, slot_id=int(slot_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MentorSlotsView(APIView):
    @extend_schema(
        parameters=[s.SlotQuery],
        responses={200: s.SlotOutput(many=True)},
        tags=TAGS,
        description="A mentor's free slots still to start, for the mentor, admins and "
        "the mentor's mentees (others: 404). `from`/`to` bound the start.",
    )
    def get(self, request, mentor_id, *args, **kwargs):
        query = _valid(s.SlotQuery, request.query_params)
        rows = selectors.slot_free_list(
            actor=request.user,
            mentor_id=int(mentor_id),
            start=query.get("from"),
            end=query.get("to"),
        )
        return paginated_response(self, request, rows, s.SlotOutput)


# --- Sessions ------------------------------------------------------------------------


class SessionListView(APIView):
    @extend_schema(
        parameters=[s.SessionQuery],
        responses={200: s.SessionOutput(many=True)},
        tags=TAGS,
        description="Your sessions (as mentee or mentor); admins see all.",
    )
    def get(self, request, *args, **kwargs):
        query = _valid(s.SessionQuery, request.query_params)
        rows = selectors.session_list(
            actor=request.user,
            upcoming=query.get("upcoming"),
            status=query.get("status"),
        )
        return paginated_response(self, request, rows, s.SessionOutput)

    @extend_schema(
        request=s.SessionInput,
        responses={201: s.SessionOutput},
        tags=TAGS,
        description="Book a free slot of one of your mentors. Another mentor's slot: "
        "404. Already booked: 409 `SLOT_TAKEN` (of racing bookings exactly one "
        "wins). Both people get an invitation e-mail with the .ics.",
    )
    def post(self, request, *args, **kwargs):
        data = _valid(s.SessionInput, request.data)
        session = services.session_book(actor=request.user, **data)
        return Response(s.SessionOutput(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    @extend_schema(responses={200: s.SessionOutput}, tags=TAGS)
    def get(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        return Response(s.SessionOutput(session).data)

    @extend_schema(
        request=s.SessionUpdateInput,
        responses={200: s.SessionOutput},
        tags=TAGS,
        description="Change the topic (either party); both calendars get the update "
        "(same UID, higher SEQUENCE). Fields not sent stay unchanged.",
    )
    def put(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        data = _valid(s.SessionUpdateInput, request.data)
        if "topic" in data:
            session = services.session_update(
                actor=request.user, session=session, topic=data["topic"]
            )
        return Response(s.SessionOutput(session).data)

    @extend_schema(
        request=s.SessionUpdateInput, responses={200: s.SessionOutput}, tags=TAGS
    )
    def patch(self, request, session_id, *args, **kwargs):
        return self.put(request, session_id, *args, **kwargs)


class SessionCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.SessionOutput},
        tags=TAGS,
        description="Either party cancels; the slot is free again and both calendars "
        "remove the event.",
    )
    def post(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        session = services.session_cancel(actor=request.user, session=session)
        return Response(s.SessionOutput(session).data)


class SessionIcsView(APIView):
    @extend_schema(responses=ICS_RESPONSE, tags=TAGS)
    def get(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        return _ics_response(session_ics(session), f"mentoring-{session.pk}.ics")


class NoteListView(APIView):
    @extend_schema(
        responses={200: s.NoteOutput(many=True)},
        tags=TAGS,
        description="The mentor (and admins) read every note; the mentee only those "
        "marked `shared`.",
    )
    def get(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        notes = selectors.note_list(actor=request.user, session=session)
        return paginated_response(self, request, notes, s.NoteOutput)

    @extend_schema(
        request=s.NoteInput,
        responses={201: s.NoteOutput},
        tags=TAGS,
        description="The mentor writes a note, private unless `shared`; the mentee "
        "gets 403.",
    )
    def post(self, request, session_id, *args, **kwargs):
        session = selectors.session_get(actor=request.user, session_id=int(session_id))
        data = _valid(s.NoteInput, request.data)
        note = services.note_create(actor=request.user, session=session, **data)
        return Response(s.NoteOutput(note).data, status=status.HTTP_201_CREATED)


class NoteDetailView(APIView):
    @extend_schema(
        request=s.NoteUpdateInput,
        responses={200: s.NoteOutput},
        tags=TAGS,
        description="The author edits a note or shares/unshares it.",
    )
    def put(self, request, session_id, note_id, *args, **kwargs):
        selectors.session_get(actor=request.user, session_id=int(session_id))
        data = _valid(s.NoteUpdateInput, request.data)
        note = services.note_update(actor=request.user, note_id=int(note_id), **data)
        if note.session_id != int(session_id):
            raise NotFound("Note not found.")
        return Response(s.NoteOutput(note).data)

    @extend_schema(request=s.NoteUpdateInput, responses={200: s.NoteOutput}, tags=TAGS)
    def patch(self, request, session_id, note_id, *args, **kwargs):
        return self.put(request, session_id, note_id, *args, **kwargs)


# --- Settings and the calendar feed --------------------------------------------------


def _settings_body(request, profile) -> dict:
    from django.urls import reverse

    path = reverse("mentoring-feed", kwargs={"token": profile.calendar_token})
    return {
        "time_zone": profile.time_zone,
        "calendar_feed_url": request.build_absolute_uri(path),
    }


class SettingsView(APIView):
    @extend_schema(responses={200: s.SettingsOutput}, tags=TAGS)
    def get(self, request, *args, **kwargs):
        profile = services.profile_ensure(user=request.user)
        return Response(_settings_body(request, profile))

    @extend_schema(
        request=s.SettingsInput, responses={200: s.SettingsOutput}, tags=TAGS
    )
    def put(self, request, *args, **kwargs):
        data = _valid(s.SettingsInput, request.data)
        profile = services.profile_ensure(user=request.user)
        if "time_zone" in data:
            profile = services.profile_update(
                actor=request.user, time_zone=data["time_zone"]
            )
        return Response(_settings_body(request, profile))

    @extend_schema(
        request=s.SettingsInput, responses={200: s.SettingsOutput}, tags=TAGS
    )
    def patch(self, request, *args, **kwargs):
        return self.put(request, *args, **kwargs)


class FeedResetView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.SettingsOutput},
        tags=TAGS,
        description="A new secret feed URL; the old one stops working at once.",
    )
    def post(self, request, *args, **kwargs):
        profile = services.calendar_token_reset(actor=request.user)
        return Response(_settings_body(request, profile))
