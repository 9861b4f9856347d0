from django.db.models import QuerySet

from portal.errors import NotFound

from .models import KnownDevice, User
from .permissions import is_admin, user_view_granted


def _users() -> QuerySet[User]:
    return User.objects.select_related("profile")


def user_get_visible(*, actor: User, user_id: int) -> User:
    """A user the actor may see: themselves; anyone for admins; mentees for their
    mentor and organization members for their corporate rep (guardian object
    permissions, while the actor holds that role). Anyone else does not exist, as
    far as the actor can tell. The actor's own id answers with the actor, already
    loaded for this request (no second query)."""
    if actor.is_authenticated and actor.pk == user_id and actor.is_active:
        return actor
    user = _users().filter(pk=user_id).first()
    if user is None:
        raise NotFound("User not found.")
    if actor.pk == user.pk or is_admin(actor):
        return user
    if user_view_granted(actor, user):
        return user
    raise NotFound("User not found.")


def known_devices_for(*, user: User) -> QuerySet[KnownDevice]:
    """The devices a person signed in from, most recent first (their profile)."""
    return KnownDevice.objects.filter(user=user).order_by("-last_seen")[:20]
