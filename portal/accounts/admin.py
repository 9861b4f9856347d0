from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.proxies import client_ip

from . import backoff
from .models import Profile, Role, User
from .services import (
    Client,
    user_login_unlock,
    user_role_privileges_sync,
    user_sessions_end,
    user_update,
)

# Changed through ``user_update`` (audited, self-demotion refused), not by the form.
ADMIN_FIELDS = ("role", "is_active")


def _client(request) -> Client:
    return Client(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role")


class PortalUserChangeForm(UserChangeForm):
    # The administrator using the form (set by ``UserAdmin.get_form``).
    actor: User | None = None

    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        actor = self.actor
        demoted = cleaned.get("role", Role.ADMIN) != Role.ADMIN or not cleaned.get(
            "is_active", True
        )
        if actor is not None and actor.pk == self.instance.pk and demoted:
            raise forms.ValidationError(
                _("Administrators cannot demote or deactivate themselves.")
            )
        return cleaned


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "is_active",
        "is_staff",
        "sign_in_lock",
    )
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    # Both follow the role (``user_role_privileges_sync``): shown, not edited, so the
    # form cannot make a student a superuser or keep a demoted admin one.
    readonly_fields = ("is_staff", "is_superuser", "sign_in_lock")
    actions = ["unlock_sign_in", "end_sessions", "deactivate_users"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "role",
                    "is_active",
                    "sign_in_lock",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("Sign-in lock"))
    def sign_in_lock(self, obj: User) -> str:
        """Whether wrong passwords slow down or refuse sign-in now (``backoff.py``)."""
        return str(backoff.login_lock_state(email=obj.email))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        """A role or active-flag change goes through ``user_update`` (audited as
        ``user.role_changed`` / ``user.deactivated``; sessions end on save)."""
        changed = [f for f in ADMIN_FIELDS if f in form.changed_data]
        if change and changed:
            user_update(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                data={field: form.cleaned_data[field] for field in changed},
                client=_client(request),
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Sign the selected users out everywhere"))
    def end_sessions(self, request, queryset) -> None:
        client = _client(request)
        for user in queryset:
            user_sessions_end(user=user, actor=request.user, client=client)
        self.message_user(
            request,
            _("Every session of %(count)d user(s) ended.") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate_users(self, request, queryset) -> None:
        client = _client(request)
        done = 0
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk:
                self.message_user(
                    request,
                    _("You cannot deactivate yourself."),
                    messages.WARNING,
                )
                continue
            user_update(
                actor=request.user,
                user=user,
                data={"is_active": False},
                client=client,
            )
            done += 1
        self.message_user(
            request,
            _("%(count)d user(s) deactivated; their sessions ended.") % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in of the selected users"))
    def unlock_sign_in(self, request, queryset) -> None:
        client = _client(request)
        for user in queryset:
            user_login_unlock(user=user, actor=request.user, client=client)
        self.message_user(
            request,
            _("Sign-in unlocked for %(count)d user(s).") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        # The form writes the groups it showed after the user row was saved (and the
        # role's groups synced): sync again so that a stale editor group is not
        # written back.
        super().save_related(request, form, formsets, change)
        if "role" in form.changed_data:
            user_role_privileges_sync(user=form.instance)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "role", "password1", "password2"),
            },
        ),
    )
