from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.proxies import client_ip

from . import backoff
from .models import Profile, User
from .services import Client, user_login_unlock, user_role_privileges_sync


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role")


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


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
    actions = ["unlock_sign_in"]
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

    @admin.action(description=_("Unlock sign-in of the selected users"))
    def unlock_sign_in(self, request, queryset) -> None:
        client = Client(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
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
