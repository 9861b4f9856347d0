"""What the NICE tagging screens share: a permission policy "the course's instructor
or an admin" for rows that belong to a course, and views that scope every list and
object to those courses and save through the services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from wagtail.admin.views import generic
from wagtail.permission_policies import BasePermissionPolicy

from content.access import is_course_manager, managed_courses_q
from portal.accounts.models import User
from portal.accounts.permissions import ROLE_PERMISSIONS, WILDCARD, has_permission
from portal.errors import DomainError

PERMISSION = "course:update"


class CourseRowPermissionPolicy(BasePermissionPolicy):
    """Instructors (``course:update``) the rows of the courses they teach, admins
    all. ``course_path`` leads from the model to its course (``module__`` …);
    ``course_of`` returns an instance's course."""

    course_prefix = ""

    def course_of(self, instance):
        raise NotImplementedError

    def scope_q(self, user) -> Q:
        raise NotImplementedError

    def user_has_permission(self, user, action) -> bool:
        return bool(getattr(user, "is_active", False)) and has_permission(
            user, PERMISSION
        )

    def users_with_any_permission(self, actions):
        roles = [
            role
            for role, permissions in ROLE_PERMISSIONS.items()
            if WILDCARD in permissions or PERMISSION in permissions
        ]
        return User.objects.filter(is_active=True).filter(
            Q(role__in=roles) | Q(is_superuser=True)
        )

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_permission(user, action) and is_course_manager(
            user=user, course=self.course_of(instance)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.model.objects.filter(self.scope_q(user))


def managed_q(user, prefix: str) -> Q:
    return managed_courses_q(user=user, prefix=prefix)


class ScopedMixin:
    """Lists and single objects: only the user's own courses' rows (others 404)."""

    def _scoped(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change"]
        )

    def get_base_queryset(self):  # index
        return self._scoped()

    def get_queryset(self):  # edit, delete
        return self._scoped()

    def get_base_object_queryset(self):  # history, usage
        return self._scoped()


class ServiceSaveMixin:
    """Create and edit save through a service; its ``DomainError`` becomes a form
    error instead of a 500."""

    def save_through_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_through_service(form)
        except DomainError as error:
            form.add_error(
                error.field if error.field in form.fields else None, error.message
            )
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ServiceDeleteMixin:
    def delete_through_service(self):
        raise NotImplementedError

    def delete_action(self):
        with transaction.atomic():
            self.delete_through_service()


__all__ = [
    "CourseRowPermissionPolicy",
    "ScopedMixin",
    "ServiceDeleteMixin",
    "ServiceSaveMixin",
    "generic",
    "managed_q",
]
