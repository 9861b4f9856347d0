"""Who may change a course through the API; reads are open to anyone."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission

from .. import selectors
from ..access import is_course_manager


class PublicReadMixin:
    """Reading is open to anyone; writes need ``permission_classes``."""

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return super().get_permissions()


class IsCourseManager(BasePermission):
    """Changes to a course are for its instructor and admins."""

    message = _("Only the course's instructor or an admin may change this course.")

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or is_course_manager(
            user=request.user, course=obj
        )


class CourseChangeMixin:
    def changeable_course(self, request, course_id):
        """The course, if visible (else 404), and if the caller manages it (else
        403)."""
        course = selectors.course_get_visible(
            actor=request.user, course_id=int(course_id)
        )
        self.check_object_permissions(request, course)
        return course
