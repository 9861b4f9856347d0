"""Who may author which assessment in the Wagtail admin: instructors (role
permissions ``assessment:create`` / ``assessment:update`` of
``portal.accounts.permissions``) the assessments of the courses they teach, admins
all. Registered for the model in ``wagtail_hooks``."""

from __future__ import annotations

from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from content.access import is_course_manager
from portal.accounts.models import Role, User
from portal.accounts.permissions import ROLE_PERMISSIONS, WILDCARD, has_permission

from ..models import Assessment
from ..selectors import managed_assessments_filter

# Wagtail's actions -> the role permissions of portal.accounts.permissions.
ACTION_PERMISSIONS = {
    "add": "assessment:create",
    "change": "assessment:update",
    "delete": "assessment:update",
    "view": "assessment:update",
}


class AssessmentPermissionPolicy(BasePermissionPolicy):
    """Role permissions for the model, course ownership for each assessment."""

    def user_has_permission(self, user, action) -> bool:
        permission = ACTION_PERMISSIONS.get(action)
        return bool(
            permission
            and getattr(user, "is_active", False)
            and has_permission(user, permission)
        )

    def users_with_any_permission(self, actions):
        wanted = {ACTION_PERMISSIONS[a] for a in actions if a in ACTION_PERMISSIONS}
        roles = [
            role
            for role, permissions in ROLE_PERMISSIONS.items()
            if WILDCARD in permissions or wanted & permissions
        ]
        return User.objects.filter(is_active=True).filter(
            Q(role__in=roles) | Q(is_superuser=True)
        )

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.user_has_permission(user, action) and is_course_manager(
            user=user, course=instance.course
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Assessment.objects.none()
        return Assessment.objects.filter(managed_assessments_filter(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        return users.filter(
            Q(role=Role.ADMIN)
            | Q(is_superuser=True)
            | Q(pk=instance.course.instructor_id)
        )
