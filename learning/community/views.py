"""Learner pages: unlinking Discord (linking is allauth's connect flow, started by
the form on the profile page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .services import discord_link_remove


@login_required
@require_POST
def discord_unlink(request):
    """Unlink the signed-in user's own Discord account (there is no id to name
    anyone else's): our roles are removed from the member shortly after."""
    if discord_link_remove(actor=request.user, user=request.user):
        messages.success(
            request,
            _(
                "Discord is unlinked. The roles the portal gave you in the "
                "community are being removed."
            ),
        )
    else:
        messages.info(request, _("No Discord account was linked."))
    return redirect("account-profile")
