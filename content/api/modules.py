"""Module endpoints: a course's modules (with per-learner state from the
``portal.hooks.MODULE_STATE`` extension point) and adding a draft module."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.accounts.permissions import MFAEnrolled
from portal.api.responses import ApiResponse
from portal.hooks import module_state_collect

from .. import selectors, services
from ..access import is_moderator
from ..models import CoursePage
from .courses import manages, shared_cached
from .permissions import CourseChangeMixin, IsCourseManager, PublicReadMixin
from .serializers import (
    COURSE_ID,
    TAGS,
    ModuleInput,
    ModuleListQuery,
    ModuleOutput,
    validated,
)


class ModuleListView(PublicReadMixin, CourseChangeMixin, GenericAPIView):
    permission_classes = [IsAuthenticated, IsCourseManager, MFAEnrolled]
    serializer_class = ModuleInput  # what OPTIONS describes
    filter_backends: list = []

    @extend_schema(
        parameters=[COURSE_ID, ModuleListQuery],
        responses=ModuleOutput(many=True),
        tags=TAGS,
        description="A course's live modules in order. Drafts of a course are "
        "visible to its instructor and admins only.",
    )
    def get(self, request, course_id, *args, **kwargs):
        query = validated(ModuleListQuery, request.query_params)
        if query["include_drafts"] and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not query["include_drafts"] and not is_moderator(user=request.user):
            response = self._shared_list(request, int(course_id))
            if response is not None:
                return response
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        modules = selectors.module_list(
            actor=request.user, course=course, include_drafts=query["include_drafts"]
        )
        page = self.paginate_queryset(modules)
        context = self.module_context(course, page)
        return self.get_paginated_response(
            ModuleOutput(page, many=True, context=context).data
        )

    def _shared_list(self, request, course_id: int):
        """The live modules as everyone sees them, from the catalog cache, with the
        reader's own state (``MODULE_STATE``: completion) added per request; never
        another reader's. ``None`` for the course's instructor, who reads fresh."""
        page, per_page = self.paginator.page_params(request)

        def build():
            course = selectors.course_get_visible(
                actor=AnonymousUser(), course_id=course_id
            )
            modules = selectors.module_list(actor=AnonymousUser(), course=course)
            rows = self.paginate_queryset(modules)
            context = {"request": request, "module_state": {}}
            return {
                "data": [
                    dict(m) for m in ModuleOutput(rows, many=True, context=context).data
                ],
                "meta": self.paginator.get_meta(),
                "instructor_id": course.instructor_id,
            }

        entry = shared_cached(
            f"modules:{course_id}", {"page": page, "per_page": per_page}, build
        )
        if manages(request.user, entry):
            return None
        state = module_state_collect(
            user=request.user,
            course=CoursePage(id=course_id, page_ptr_id=course_id),
            modules=[SimpleNamespace(pk=item["id"]) for item in entry["data"]],
        )
        data = [{**item, **state.get(item["id"], {})} for item in entry["data"]]
        return ApiResponse(data, meta=entry["meta"])

    def module_context(self, course, modules) -> dict:
        # Per-learner state (the learning app's completion) joins the module list
        # without ``content`` importing ``learning``.
        state = module_state_collect(
            user=self.request.user, course=course, modules=modules
        )
        return {"request": self.request, "module_state": state}

    @extend_schema(
        parameters=[COURSE_ID],
        request=ModuleInput,
        responses={201: ModuleOutput},
        tags=TAGS,
        description="Appends a draft module; it goes live when the course is next "
        "published. `video_id` (a video of the caller's) is stored as a `video` "
        "block.",
    )
    def post(self, request, course_id, *args, **kwargs):
        course = self.changeable_course(request, course_id)
        data = validated(ModuleInput, request.data, context={"request": request})
        data["kind"] = data.pop("content_type")
        module = services.module_create(actor=request.user, course=course, data=data)
        module = selectors.module_get(
            course=course, module_id=module.pk, include_drafts=True
        )
        output = ModuleOutput(module, context=self.module_context(course, [module]))
        return Response(output.data, status=status.HTTP_201_CREATED)
