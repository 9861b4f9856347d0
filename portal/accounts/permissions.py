"""Who may do what: the one permission map, and the DRF permission classes built on it.

Permission strings are ``resource:action``. The same map fills the JWT ``permissions``
claim and answers the API's permission checks, so the two can never disagree.
Object-level rules (an instructor's own courses, a mentor's mentees, a corporate
rep's organization members) are django-guardian object permissions granted by the
services that create those relations.
"""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.errors import PermissionDenied

from .mfa import totp_enabled
from .models import Role

WILDCARD = "*"

_LEARNER = frozenset(
    {
        "course:read",
        "course:enroll",
        "module:read",
        "progress:update",
        "assessment:read",
        "assessment:submit",
        "certificate:read",
        "certificate:download",
        "profile:read",
        "profile:update",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STUDENT: _LEARNER,
    Role.INSTRUCTOR: _LEARNER
    | {
        "course:create",
        "course:update",
        "course:delete",
        "course:submit",
        "module:create",
        "module:update",
        "video:upload",
        "assessment:create",
        "assessment:update",
        "assessment:grade",
        "student:view_progress",
        "analytics:view",
    },
    Role.MENTOR: _LEARNER | {"mentee:view", "student:view_progress", "analytics:view"},
    Role.CORPORATE_REP: _LEARNER
    | {
        "organization:view",
        "organization:manage",
        "organization:enroll",
        "student:view_progress",
        "report:view",
        "analytics:view",
    },
    Role.ADMIN: frozenset({WILDCARD}),
}


def effective_role(user) -> str | None:
    """The role a user acts in now: ``None`` for anonymous and deactivated users, so
    that no rule built on it grants anything to an account that was switched off."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def is_admin(user) -> bool:
    """Admins (and superusers) may do everything; anonymous users are not admins."""
    return effective_role(user) == Role.ADMIN


def acts_as_instructor(user) -> bool:
    """Whether ``user`` holds the instructor role now. A course keeps its
    ``instructor`` after that person is demoted or deactivated, so every "is the
    course's instructor" rule asks this too (``content.access.is_course_manager``)."""
    return effective_role(user) == Role.INSTRUCTOR


def may_use_admin_area(*, user, area: str) -> bool:
    """Whether ``user`` may enter an admin area: ``/cms/`` asks what Wagtail asks
    (``wagtailadmin.access_admin``, held through the role's editor group),
    ``/django-admin/`` what Django's admin asks (an active staff account). Anyone
    else gets the portal's 403 page there (``portal.error_pages``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if area == "/django-admin/":
        return bool(user.is_staff)
    return user.has_perm("wagtailadmin.access_admin")


# Roles whose object grants to see other users hold: a mentor's on mentees, a
# corporate rep's on organization members (granted by ``user_view_grant``).
USER_VIEW_GRANT_ROLES = frozenset({Role.MENTOR, Role.CORPORATE_REP})


def user_view_granted(viewer, user) -> bool:
    """Whether ``viewer`` sees ``user`` through an object grant. The grant outlives a
    role change, so it counts only while the viewer's role is one that holds such
    grants: an ex-mentor stops seeing former mentees."""
    return effective_role(viewer) in USER_VIEW_GRANT_ROLES and viewer.has_perm(
        "accounts.view_user", user
    )


def private_profile_visible(viewer, user) -> bool:
    """Whether ``viewer`` sees ``user``'s most private profile fields (date of
    birth, clearance level): the person and administrators only, never a mentor or
    corporate representative who otherwise sees the profile."""
    return getattr(viewer, "pk", None) == user.pk or is_admin(viewer)


def permissions_for(user) -> list[str]:
    """The sorted permission strings of a user's role (``["*"]`` for admins)."""
    role = effective_role(user)
    return sorted(ROLE_PERMISSIONS.get(role, frozenset())) if role else []


def has_permission(user, permission: str) -> bool:
    perms = ROLE_PERMISSIONS.get(effective_role(user), frozenset())
    return WILDCARD in perms or permission in perms


def mfa_required_for(user) -> bool:
    return effective_role(user) in set(settings.MFA_REQUIRED_ROLES)


class RolePermission(BasePermission):
    """``RolePermission.require("course:create")`` makes a DRF permission class."""

    permission: str = ""

    @classmethod
    def require(cls, permission: str) -> type["RolePermission"]:
        return type(
            f"Require_{permission.replace(':', '_')}",
            (cls,),
            {"permission": permission},
        )

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and has_permission(
            request.user, self.permission
        )


class IsAdminRole(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)


class MFAEnrolled(BasePermission):
    """Users whose role requires MFA may read, but change nothing through the API
    until they have enrolled (``MFA_REQUIRED_ROLES``)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "mfa_exempt", False):
            return True
        user = request.user
        if not (user and user.is_authenticated) or not mfa_required_for(user):
            return True
        if totp_enabled(user):
            return True
        raise PermissionDenied(
            "Your role requires two-factor authentication: enrol at "
            "/api/v1/auth/mfa/totp/setup before making changes.",
            code="MFA_ENROLLMENT_REQUIRED",
        )
