"""Demo accounts, one per role, with known passwords (printed by ``seed_demo``)."""

from django.db import transaction

from portal.demo import DemoReport

from .models import Role, User
from .services import user_role_privileges_sync

DEMO_ACCOUNTS = [
    ("admin@example.org", "Ada", "Admin", Role.ADMIN, "admin-Demo-2026!"),
    (
        "instructor@example.org",
        "Irene",
        "Instructor",
        Role.INSTRUCTOR,
        "teach-Demo-2026!",
    ),
    ("student@example.org", "Sam", "Student", Role.STUDENT, "learn-Demo-2026!"),
    ("mentor@example.org", "Morgan", "Mentor", Role.MENTOR, "guide-Demo-2026!"),
    ("rep@example.org", "Casey", "Corporate", Role.CORPORATE_REP, "hire-Demo-2026!"),
]


@transaction.atomic
def seed_accounts(report: DemoReport) -> None:
    for email, first, last, role, password in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            create = (
                User.objects.create_superuser
                if role == Role.ADMIN
                else User.objects.create_user
            )
            user = create(email, password, first_name=first, last_name=last)
            user.role = role
            user.save(update_fields=["role"])
        user_role_privileges_sync(user=user)
        report.accounts.append((role.label, email, password))
