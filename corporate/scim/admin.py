"""Django admin: admins issue and revoke the organizations' SCIM tokens. A token is
shown once, right after it is issued; only its hash is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ScimToken
from .services import scim_token_issue, scim_token_revoke


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organization",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("organization",)
    list_select_related = ("organization", "created_by")
    fields = ("organization", "name")
    actions = ["revoke_tokens"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "organization",
            "name",
            "prefix",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        )

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Revoke instead: the row tells who used which token when.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = scim_token_issue(
            organization_id=obj.organization_id, name=obj.name, actor=request.user
        )
        obj.pk = token.pk
        obj.prefix = token.prefix
        obj.created_at = token.created_at
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "Copy this SCIM token now; it is not shown again: %(token)s  "
                "(SCIM base URL: %(url)s)"
            )
            % {"token": raw, "url": request.build_absolute_uri("/scim/v2/")},
        )

    @admin.action(description=_("Revoke the selected SCIM tokens"))
    def revoke_tokens(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            scim_token_revoke(token=token, actor=request.user)
        messages.success(request, _("The tokens no longer work."))
