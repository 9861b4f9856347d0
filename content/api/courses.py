"""Course endpoints: the catalog and one course (their public answers cached for
every reader), and a course's submit, publish and archive (DELETE) actions."""

from dataclasses import asdict
from types import SimpleNamespace

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.permissions import IsAdminRole, MFAEnrolled, RolePermission
from portal.api.responses import ApiResponse

from .. import selectors, services
from ..access import is_course_manager, is_moderator
from ..cache import CATALOG
from .permissions import CourseChangeMixin, IsCourseManager, PublicReadMixin
from .serializers import (
    COURSE_ID,
    TAGS,
    CourseDetailOutput,
    CourseInput,
    CourseListQuery,
    CourseOutput,
    validated,
)


def _filters(query: dict) -> selectors.CourseFilters:
    return selectors.CourseFilters(
        category=query.get("category", ""),
        difficulty_level=query.get("difficulty_level", ""),
        q=query.get("q", ""),
        ordering=query.get("ordering", ""),
        instructor=query.get("instructor"),
    )


def shared_cached(name: str, params: dict, build):
    """``build() -> dict``, the part of an answer that is the same for every reader,
    kept in the catalog cache under a key from ``params`` (the validated values the
    answer depends on, not the raw query; ``portal.shared_cache``). ``build`` may
    return ``None`` for an answer that must not be shared (a manager's view)."""
    return CATALOG.get_or_build(name, params, build)


def manages(user, entry: dict) -> bool:
    """Whether ``user`` manages the course a shared entry describes: managers read
    the author's view, never the shared one (``content.access.is_course_manager`` on
    the instructor id the entry keeps, so no query)."""
    course = SimpleNamespace(instructor_id=entry.get("instructor_id"))
    return is_course_manager(user=user, course=course)


def _course_data(request, course_id: int) -> dict:
    read = selectors.course_get(actor=request.user, course_id=course_id)
    context = {"request": request, "author_view": read.author_view}
    return dict(CourseDetailOutput(read.course, context=context).data)


class CourseListView(PublicReadMixin, GenericAPIView):
    permission_classes = [RolePermission.require("course:create"), MFAEnrolled]
    serializer_class = CourseInput  # what OPTIONS describes
    filter_backends: list = []

    @extend_schema(
        parameters=[CourseListQuery],
        responses=CourseOutput(many=True),
        tags=TAGS,
        description="Published courses (live, not archived). Answers are cached "
        "until a course is published, unpublished or archived.",
    )
    def get(self, request, *args, **kwargs):
        query = validated(CourseListQuery, request.query_params)
        if query["mine"]:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated()
            courses = selectors.course_list_authored(
                actor=request.user, filters=_filters(query)
            )
            data, meta = self._page(courses, author_view=True)
            return ApiResponse(data, meta=meta)
        # The catalog is the same for every reader (no author's view, no personal
        # field), so signed-in readers share the cached answer too.
        filters = _filters(query)
        page, per_page = self.paginator.page_params(request)

        def build():
            data, meta = self._page(selectors.course_catalog_list(filters=filters))
            return {"data": data, "meta": meta}

        entry = shared_cached(
            "courses", {**asdict(filters), "page": page, "per_page": per_page}, build
        )
        return ApiResponse(entry["data"], meta=entry["meta"])

    def _page(self, courses, *, author_view: bool = False):
        page = self.paginate_queryset(courses)
        context = {"request": self.request, "author_view": author_view}
        data = CourseOutput(page, many=True, context=context).data
        return [dict(item) for item in data], self.paginator.get_meta()

    @extend_schema(
        request=CourseInput,
        responses={201: CourseDetailOutput},
        tags=TAGS,
        description="Creates a draft course taught by the caller (instructors, "
        "admins).",
    )
    def post(self, request, *args, **kwargs):
        data = validated(CourseInput, request.data)
        course = services.course_create(actor=request.user, data=data)
        return Response(
            _course_data(request, course.pk), status=status.HTTP_201_CREATED
        )


class CourseDetailView(PublicReadMixin, CourseChangeMixin, APIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Anyone reads a live course (archived ones too, by id); its "
        "instructor and admins read drafts, the latest revision and the real status.",
    )
    def get(self, request, course_id, *args, **kwargs):
        course_id = int(course_id)
        if is_moderator(user=request.user):
            return Response(_course_data(request, course_id))

        def build():
            read = selectors.course_get(actor=request.user, course_id=course_id)
            context = {"request": request, "author_view": read.author_view}
            return {
                "data": dict(CourseDetailOutput(read.course, context=context).data),
                "instructor_id": read.course.instructor_id,
                "private": read.author_view,
            }

        entry = shared_cached(f"course:{course_id}", {}, build)
        if not entry.get("private") and manages(request.user, entry):
            # The instructor reads the latest revision, not the shared live view.
            return Response(_course_data(request, course_id))
        return Response(entry["data"])

    @extend_schema(
        parameters=[COURSE_ID],
        request=CourseInput(partial=True),
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Saves a new revision with the fields sent; the live version is "
        "unchanged until the course is published. PATCH is a synonym.",
    )
    def put(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        data = validated(CourseInput, request.data, partial=True)
        services.course_update(actor=request.user, course=course, data=data)
        return Response(_course_data(request, course.pk))

    @extend_schema(
        parameters=[COURSE_ID],
        request=CourseInput(partial=True),
        responses=CourseDetailOutput,
        tags=TAGS,
        description="The same as PUT.",
    )
    def patch(self, request, course_id, *args, **kwargs):
        return self.put(request, course_id, *args, **kwargs)

    @extend_schema(
        parameters=[COURSE_ID],
        responses={200: CourseDetailOutput},
        tags=TAGS,
        description="Archives the course (idempotent): it leaves the catalog and "
        "takes no new enrollments; pages and learner records stay.",
    )
    def delete(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        services.course_archive(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))


class CourseSubmitView(CourseChangeMixin, APIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        request=None,
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Submits the latest revision for review (status `in_review`); "
        "already in review: 409 `CONFLICT`.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        services.course_submit(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))


class CoursePublishView(APIView):
    permission_classes = [IsAdminRole, MFAEnrolled]

    @extend_schema(
        parameters=[COURSE_ID],
        request=None,
        responses=CourseDetailOutput,
        tags=TAGS,
        description="Admins (moderators): approves the review, or publishes directly, "
        "so the latest revision and the course's draft modules go live.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        services.course_publish(actor=request.user, course=course)
        return Response(_course_data(request, course.pk))
