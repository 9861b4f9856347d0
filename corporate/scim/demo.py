"""The demo's SCIM side: the demo organization's HR system has provisioned two
employees and a team, and a token to try /scim/v2/ with is printed once."""

from corporate.models import Organization
from portal.demo import DemoReport

from .models import ScimGroup, ScimIdentity, ScimToken
from .resources import GroupAttributes, UserAttributes
from .services import scim_group_create, scim_token_issue, scim_user_create

EMPLOYEES = (
    ("analyst.one@example.org", "Riley", "Nguyen"),
    ("analyst.two@example.org", "Sam", "Okafor"),
)


def seed_scim(report: DemoReport) -> None:
    organization = Organization.objects.filter(slug="veterans-cyber-corps").first()
    if organization is None:
        return
    token = ScimToken.objects.filter(
        organization=organization, name="Demo HR system", revoked_at__isnull=True
    ).first()
    raw = None
    if token is None:
        token, raw = scim_token_issue(
            organization_id=organization.pk, name="Demo HR system", actor=None
        )
    for email, given, family in EMPLOYEES:
        if not ScimIdentity.objects.filter(
            organization=organization, user_name=email
        ).exists():
            scim_user_create(
                token=token,
                attributes=UserAttributes(
                    user_name=email,
                    email=email,
                    given_name=given,
                    family_name=family,
                    external_id=f"hr-{email.split('@')[0]}",
                    active=True,
                ),
            )
    if not ScimGroup.objects.filter(organization=organization).exists():
        members = ScimIdentity.objects.filter(
            organization=organization, deleted_at__isnull=True
        )
        scim_group_create(
            token=token,
            attributes=GroupAttributes(
                display_name="SOC analysts",
                external_id="hr-soc",
                member_ids=tuple(str(m.scim_id) for m in members),
            ),
        )
    if raw is not None:
        report.lines.append(
            f"SCIM: {organization.name}'s HR system token (shown once): {raw} "
            "— base URL /scim/v2/"
        )
    else:
        report.lines.append(
            "SCIM: the demo HR token was shown when it was issued; issue another "
            "with `manage.py scim_token_issue veterans-cyber-corps`."
        )
