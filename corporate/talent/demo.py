"""Demo talent pipeline: the demo student opted in, so the demo representative finds
a candidate (first name and evidence only) on /talent/."""

from portal.accounts.models import User
from portal.demo import DemoReport

from .models import TalentProfile
from .services import talent_profile_update


def seed_talent(report: DemoReport) -> None:
    student = User.objects.filter(email="student@example.org").first()
    if student is None:
        return
    if not TalentProfile.objects.filter(user=student).exists():
        talent_profile_update(
            actor=student,
            data={
                "visible": True,
                "headline": "Army signals NCO moving into cyber defense",
                "target_roles": ["PD-WRL-001"],
                "location": "Fayetteville, NC",
            },
        )
    report.lines.append(
        "Talent: student@example.org is a visible candidate; rep@example.org finds "
        "them at /talent/ and sees their surname and e-mail only after they accept."
    )
