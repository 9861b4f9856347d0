"""The SCIM shapes this server speaks, as ``scim2-models`` (pydantic) resources.

Only the attributes the portal stores are published, so what a client writes is
what it reads back: a User has ``userName``, ``externalId``, ``name.givenName``,
``name.familyName``, one e-mail address, ``active`` and (read-only) its groups; a
Group has ``displayName``, ``externalId`` and members that are Users. The discovery
documents (``/Schemas``, ``/ResourceTypes``, ``/ServiceProviderConfig``) are
generated from these classes, so they cannot drift from what is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import scim2_models as sm
from pydantic import EmailStr, Field

from .models import ScimGroup, ScimIdentity

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Name(sm.ComplexAttribute):
    family_name: str | None = None
    """The family name (the portal's last name)."""

    given_name: str | None = None
    """The given name (the portal's first name)."""


class Email(sm.ComplexAttribute):
    value: EmailStr | None = None
    """The address the person signs in with and receives mail at."""

    type: sm.Email.Type | None = None
    """A label, e.g. 'work'."""

    primary: bool | None = None
    """Whether this is the primary address (the portal keeps one)."""


class User(sm.Resource[sm.AnyExtension]):
    """A person the organization provisions into the portal (a student and a
    member of the organization)."""

    __schema__ = sm.URN(USER_SCHEMA)

    user_name: Annotated[str | None, sm.Uniqueness.server, sm.Required.true] = None
    """Unique identifier for the User in the organization, typically the e-mail."""

    name: Name | None = None
    """The components of the user's real name."""

    emails: list[Email] | None = None
    """The user's e-mail address (one; the primary one is used)."""

    active: bool | None = None
    """Whether the user may use the portal as a member of the organization."""

    groups: Annotated[list[sm.GroupMembership] | None, sm.Mutability.read_only] = None
    """The organization's groups the user belongs to."""


class GroupMember(sm.ComplexAttribute):
    value: Annotated[str | None, sm.Mutability.immutable, sm.CaseExact.true] = None
    """The ``id`` of a member User."""

    ref: Annotated[sm.Reference[User] | None, sm.Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    """The URI of the member User."""


class Group(sm.Resource[sm.AnyExtension]):
    """A team the organization keeps; its members are the organization's Users."""

    __schema__ = sm.URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, sm.Required.true] = None
    """A human-readable name for the Group."""

    members: list[GroupMember] | None = None
    """The Users in the Group."""


# What the HR systems send beyond the strict reading of the RFCs: attributes the
# portal does not keep (a title, the enterprise extension) are dropped instead of
# refused; Entra's ``remove`` with a ``value`` and its ``add`` into
# ``emails[type eq "work"].value`` on a User without one are applied.
POLICY = sm.ScimPolicy(
    unknown=sm.ScimPolicy.Unknown.ignore,
    remove_value_as_filter=sm.ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=sm.ScimPolicy.UnmatchedPathFilter.create,
)

DESCRIPTIONS = {
    "User": "A person provisioned into the organization (a student and member).",
    "Group": "A team the organization keeps; its members are its Users.",
}

RESOURCE_MODELS: dict[str, type[sm.Resource]] = {"User": User, "Group": Group}


@dataclass(frozen=True)
class UserAttributes:
    """What a User resource sets on the portal's side (see ``user_attributes``)."""

    user_name: str
    email: str
    given_name: str
    family_name: str
    external_id: str
    active: bool | None
    """None: not given, which counts as active."""
    email_type: str = ""
    email_primary: bool | None = None


@dataclass(frozen=True)
class GroupAttributes:
    display_name: str
    external_id: str
    member_ids: tuple[str, ...]


class AttributeError_(ValueError):
    """A resource that validates as SCIM but cannot be stored (e.g. no e-mail)."""


def user_attributes(resource: User) -> UserAttributes:
    """The portal's values from a validated User resource.

    The e-mail is the primary address, else the first one, else ``userName`` when
    it is an address; a User with none of these is refused.
    """
    emails = [e for e in resource.emails or [] if e.value]
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    email = primary.value if primary else None
    if email is None and resource.user_name and "@" in resource.user_name:
        try:
            email = Email(value=resource.user_name).value
        except ValueError:
            email = None
    if not email:
        raise AttributeError_("emails: a User needs an e-mail address.")
    name = resource.name or Name()
    return UserAttributes(
        user_name=(resource.user_name or "").strip(),
        email=str(email),
        given_name=(name.given_name or "")[:150],
        family_name=(name.family_name or "")[:150],
        external_id=resource.external_id or "",
        active=resource.active,
        email_type=_label(primary.type) if primary else "",
        email_primary=primary.primary if primary else None,
    )


def _label(value: Any) -> str:
    return str(getattr(value, "value", value) or "")[:20]


def group_attributes(resource: Group) -> GroupAttributes:
    return GroupAttributes(
        display_name=(resource.display_name or "").strip(),
        external_id=resource.external_id or "",
        member_ids=tuple(
            dict.fromkeys(m.value for m in resource.members or [] if m.value)
        ),
    )


def _meta(resource_type: str, row: Any, path: str, base: str) -> sm.Meta:
    return sm.Meta(
        resource_type=resource_type,
        created=row.created_at,
        last_modified=row.updated_at,
        location=f"{base}/{path}/{row.scim_id}",
    )


def user_resource(identity: ScimIdentity, *, base: str) -> User:
    """The User resource of an identity (its ``user`` and ``scim_groups`` loaded)."""
    user = identity.user
    name = None
    if user.first_name or user.last_name:
        name = Name(
            given_name=user.first_name or None, family_name=user.last_name or None
        )
    return User(
        id=str(identity.scim_id),
        external_id=identity.external_id or None,
        user_name=identity.user_name,
        name=name,
        emails=[
            Email(
                value=user.email,
                type=identity.email_type or None,
                primary=identity.email_primary,
            )
        ],
        active=identity.active,
        groups=[
            sm.GroupMembership(
                value=str(group.scim_id),
                ref=f"{base}/Groups/{group.scim_id}",
                display=group.display_name,
                type="direct",
            )
            for group in identity.scim_groups.all()
        ]
        or None,
        meta=_meta("User", identity, "Users", base),
    )


def group_resource(group: ScimGroup, *, base: str) -> Group:
    """The Group resource (its ``members`` loaded)."""
    return Group(
        id=str(group.scim_id),
        external_id=group.external_id or None,
        display_name=group.display_name,
        members=[
            GroupMember(
                value=str(member.scim_id),
                ref=f"{base}/Users/{member.scim_id}",
            )
            for member in group.members.all()
        ]
        or None,
        meta=_meta("Group", group, "Groups", base),
    )


def service_provider_config(*, max_results: int, base: str) -> sm.ServiceProviderConfig:
    return sm.ServiceProviderConfig(
        documentation_uri="https://datatracker.ietf.org/doc/html/rfc7644",
        patch=sm.Patch(supported=True),
        bulk=sm.Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=sm.Filter(supported=True, max_results=max_results),
        change_password=sm.ChangePassword(supported=False),
        sort=sm.Sort(supported=False),
        etag=sm.ETag(supported=False),
        authentication_schemes=[
            sm.AuthenticationScheme(
                type="oauthbearertoken",
                name="OAuth Bearer Token",
                description="A token issued by a portal administrator for one "
                "organization, sent as 'Authorization: Bearer <token>'.",
                primary=True,
            )
        ],
        meta=sm.Meta(
            resource_type="ServiceProviderConfig",
            location=f"{base}/ServiceProviderConfig",
        ),
    )


def resource_types(*, base: str) -> list[sm.ResourceType]:
    types = []
    for name, model in RESOURCE_MODELS.items():
        endpoint = f"/{name}s"
        types.append(
            sm.ResourceType(
                id=name,
                name=name,
                description=DESCRIPTIONS[name],
                endpoint=endpoint,
                schema_=model.__schema__,
                meta=sm.Meta(
                    resource_type="ResourceType",
                    location=f"{base}/ResourceTypes/{name}",
                ),
            )
        )
    return types


def schemas(*, base: str) -> list[sm.Schema]:
    found = []
    for name, model in RESOURCE_MODELS.items():
        schema = model.to_schema()
        if name == "User":
            # The portal needs an address; a client that sends none gets
            # ``userName`` tried as one (``user_attributes``), so the model itself
            # stays lenient while the published schema asks for it.
            for attribute in schema.attributes:
                if attribute.name == "emails":
                    attribute.required = sm.Required.true
                    for sub in attribute.sub_attributes or []:
                        if sub.name == "value":
                            sub.required = sm.Required.true
        schema.name = name
        schema.description = name
        schema.meta = sm.Meta(
            resource_type="Schema", location=f"{base}/Schemas/{schema.id}"
        )
        found.append(schema)
    return found
