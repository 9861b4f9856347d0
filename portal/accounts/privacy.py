"""This app's answers to the personal-data extension points (``portal.hooks``): the
account, its profile and sign-in data, and the framework tables that hang off the
user row (allauth's addresses and authenticators, simplejwt's tokens, guardian's
object permissions, Django admin's log, Wagtail's user profile).

Erasure keeps the user row as an anonymous placeholder (so certificates, orders
and other people's records that point at it keep their meaning) and runs last
(``order=100``): every other app's answer still sees the address and names."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from guardian.models import UserObjectPermission
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from wagtail.users.models import UserProfile

from portal.hooks import (
    Erasure,
    ErasureSteps,
    erase_file_on_commit,
    personal_data_covers,
)
from portal.redaction import person_needles, redact_text

from .mfa import Authenticator
from .models import KnownDevice, Profile, Role, SignInSession, User
from .services import user_sessions_revoke

RELATIONS = (
    "accounts.User_groups.user",
    "accounts.User_user_permissions.user",
    "accounts.Profile.user",
    "accounts.KnownDevice.user",
    "accounts.SignInSession.user",
    "account.EmailAddress.user",
    "mfa.Authenticator.user",
    "token_blacklist.OutstandingToken.user",
    "guardian.UserObjectPermission.user",
    "admin.LogEntry.user",
    "wagtailusers.UserProfile.user",
)


def erased_email(user: User) -> str:
    """The placeholder address of an erased account: unique, and in a reserved
    domain that can never receive mail."""
    return f"erased-{user.pk}@{settings.PRIVACY_ERASED_EMAIL_DOMAIN}"


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user: User) -> dict[str, list[dict]]:
    profile = Profile.objects.filter(user=user).first()
    wagtail_profile = UserProfile.objects.filter(user=user).first()
    user_type = ContentType.objects.get_for_model(User)
    return {
        "accounts.account": [
            {
                "id": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "role": user.role,
                "is_active": user.is_active,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "groups": list(user.groups.values_list("name", flat=True)),
            }
        ],
        "accounts.profile": [
            {
                "bio": profile.bio,
                "phone": profile.phone,
                "date_of_birth": profile.date_of_birth,
                "clearance_level": profile.clearance_level,
                "organization_name": profile.organization_name,
                "avatar": profile.avatar,
                "created_at": profile.created_at,
                "updated_at": profile.updated_at,
            }
        ]
        if profile
        else [],
        "accounts.devices": list(
            KnownDevice.objects.filter(user=user)
            .order_by("first_seen")
            .values("label", "first_seen", "last_seen")
        ),
        # Sign-ins (web sessions and API token families), never their keys.
        "accounts.sign_ins": list(
            SignInSession.objects.filter(user=user)
            .order_by("started_at")
            .values(
                "kind",
                "label",
                "started_at",
                "last_seen_at",
                "ended_at",
                "end_reason",
            )
        ),
        "accounts.email_addresses": list(
            EmailAddress.objects.filter(user=user).values(
                "email", "verified", "primary"
            )
        ),
        # That a second factor is set up, never its secret or codes.
        "accounts.second_factors": list(
            Authenticator.objects.filter(user=user).values(
                "type", "created_at", "last_used_at"
            )
        ),
        "accounts.sign_in_tokens": list(
            OutstandingToken.objects.filter(user=user)
            .order_by("created_at")
            .values("created_at", "expires_at")
        ),
        "accounts.object_permissions": [
            {
                "permission": f"{p.permission.content_type.app_label}."
                f"{p.permission.codename}",
                "object_id": p.object_pk,
            }
            for p in UserObjectPermission.objects.filter(user=user).select_related(
                "permission__content_type"
            )
        ],
        "accounts.admin_log": list(
            LogEntry.objects.filter(user=user)
            .order_by("action_time")
            .values("action_time", "object_repr", "action_flag", "change_message")
        )
        + list(
            LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk))
            .order_by("action_time")
            .values("action_time", "action_flag", "change_message")
        ),
        "accounts.editor_preferences": [
            {
                "preferred_language": wagtail_profile.preferred_language,
                "current_time_zone": wagtail_profile.current_time_zone,
                "avatar": wagtail_profile.avatar,
            }
        ]
        if wagtail_profile
        else [],
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user: User) -> list[Erasure]:
    needles = person_needles(user)
    user_type = ContentType.objects.get_for_model(User)
    steps = ErasureSteps()

    # Sessions and tokens end first: web sessions (the session hash changes with
    # ``sessions_revoked_at``), access tokens (their ``sv`` claim), refresh tokens
    # (blacklisted, then removed with the rest of the sign-in data below).
    user_sessions_revoke(user=user)
    steps.delete("accounts.KnownDevice", KnownDevice.objects.filter(user=user))
    steps.delete("accounts.SignInSession", SignInSession.objects.filter(user=user))
    steps.delete("account.EmailAddress", EmailAddress.objects.filter(user=user))
    steps.delete("mfa.Authenticator", Authenticator.objects.filter(user=user))
    steps.delete(
        "token_blacklist.OutstandingToken", OutstandingToken.objects.filter(user=user)
    )
    steps.delete(
        "guardian.UserObjectPermission",
        UserObjectPermission.objects.filter(user=user)
        | UserObjectPermission.objects.filter(
            content_type=user_type, object_pk=str(user.pk)
        ),
    )
    for wagtail_profile in UserProfile.objects.filter(user=user):
        erase_file_on_commit(field_file=wagtail_profile.avatar)
    steps.delete("wagtailusers.UserProfile", UserProfile.objects.filter(user=user))

    about = LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk))
    changed = 0
    for entry in about:
        entry.object_repr = erased_email(user)
        entry.change_message = redact_text(entry.change_message, needles)
        entry.save(update_fields=["object_repr", "change_message"])
        changed += 1
    steps.append(
        Erasure(
            "admin.LogEntry",
            Erasure.ANONYMIZED,
            changed,
            "Administrators' change history of the account stays; it no longer "
            "names the person.",
        )
    )
    steps.append(
        Erasure(
            "admin.LogEntry",
            Erasure.KEPT,
            LogEntry.objects.filter(user=user).count(),
            "Changes the person made as an administrator are part of the site's "
            "history; they point at the anonymized account.",
        )
    )

    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        erase_file_on_commit(field_file=profile.avatar)
        profile.bio = profile.phone = profile.organization_name = ""
        profile.clearance_level = ""
        profile.date_of_birth = None
        profile.save()
        steps.append(Erasure("accounts.Profile", Erasure.ANONYMIZED, 1))

    user.email = erased_email(user)
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.role = Role.STUDENT
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    steps.append(
        Erasure(
            "accounts.User",
            Erasure.ANONYMIZED,
            1,
            f"The row stays as an anonymous placeholder ({erased_email(user)}, no "
            "name, no password, inactive): certificates, orders and others' records "
            "refer to it. Nobody can sign in to it; the old address may register "
            "again as a new account.",
        )
    )
    return steps
