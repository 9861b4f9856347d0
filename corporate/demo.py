"""A demo organization for ``make run``: rep@example.org represents it, the demo
student and four staff members belong to it, ten seats in the first free course,
five of them used, with progress at different stages."""

from django.db import transaction

from content.models import CoursePage, ModulePage
from learning.models import Enrollment
from learning.services import module_complete, module_progress_record
from portal.accounts.models import User
from portal.demo import DemoReport

from .models import Organization, OrganizationMembership, SeatPool
from .services import organization_member_add, seat_enrollment_create

Membership = OrganizationMembership

STAFF = (
    ("dana.ortiz@example.org", "Dana", "Ortiz", 3),
    ("lee.chen@example.org", "Lee", "Chen", 2),
    ("kim.park@example.org", "Kim", "Park", 1),
    ("ali.haddad@example.org", "Ali", "Haddad", 0),
)


def _join(organization, user, role=Membership.Role.MEMBER) -> None:
    if not (
        Membership.objects.current().filter(organization=organization, user=user)
    ).exists():
        organization_member_add(organization=organization, user=user, role=role)


@transaction.atomic
def seed_organization(report: DemoReport) -> None:
    organization, _ = Organization.objects.get_or_create(
        slug="veterans-cyber-corps",
        defaults={
            "name": "Veterans Cyber Corps",
            "contact_email": "training@veterans-cyber-corps.example.org",
        },
    )
    rep = User.objects.filter(email="rep@example.org").first()
    admin = User.objects.filter(email="admin@example.org").first()
    if rep is None or admin is None:
        return
    _join(organization, rep, Membership.Role.REPRESENTATIVE)
    student = User.objects.filter(email="student@example.org").first()
    if student is not None:
        _join(organization, student)
    course = (
        CoursePage.objects.live()
        .filter(archived_at=None, price=0, capacity__isnull=True)
        .order_by("path")
        .first()
    )
    if course is None:
        return
    if not SeatPool.objects.filter(organization=organization, course=course).exists():
        SeatPool.objects.create(
            organization=organization, course=course, quantity=10, created_by=admin
        )
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    for email, first, last, done in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, None, first_name=first, last_name=last
            )
        _join(organization, user)
        if Enrollment.objects.filter(user=user, course=course).exists():
            continue
        seat_enrollment_create(
            actor=rep, organization=organization, user=user, course_id=course.pk
        )
        for module in modules[:done]:
            # Demo history: time spent (which completes a watched video), then the
            # module completed as if its quiz or lab had been passed.
            module_progress_record(
                actor=user, course_id=course.pk, module_id=module.pk, time_spent=900
            )
            module_complete(user=user, module=module)
    report.lines.append(
        f"Organization: {organization.name}, 10 seats in “{course.title}”; "
        "its representative rep@example.org sees it at /organizations/."
    )
