"""One person with data in every app: the export holds it all, and after erasure
their e-mail address, names and answers are nowhere in the database (every column
of every table is searched) while their certificate still verifies, the audit
chain still verifies and nobody can sign in to the account."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from wagtail.log_actions import log

from assessments.services import assessment_create, attempt_start, attempt_submit
from corporate.models import (
    Invitation,
    Organization,
    OrganizationMembership,
    SeatAssignment,
    SeatPool,
)
from corporate.scim.models import ScimIdentity
from corporate.services import organization_member_add
from corporate.skillbridge.models import Cohort, Participant
from corporate.talent.services import interest_send, talent_profile_update
from learning.certifications.models import VoucherCode
from learning.mentorship import services as mentorship
from learning.models import Certificate, Enrollment
from learning.payments.models import Order
from learning.services import enrollment_create, module_progress_record
from portal.accounts.models import KnownDevice, Profile, Role, User
from portal.audit.services import audit_chain_verify
from portal.jobs.models import Job, JobStatus
from portal.notifications.services import notify
from portal.privacy.models import ConsentRecord, ErasedAccount
from portal.privacy.services import consent_record
from portal.webhooks.models import WebhookEvent
from tests.learning.conftest import (  # noqa: F401
    admin_user,
    course,
    instructor,
    make_course,
)
from tests.portal.auth_helpers import bearer, login
from tests.portal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "zephyrine.quillfeather@example.org"
FIRST, LAST = "Zephyrine", "Quillfeather"
ANSWER = "Wireshark-zephyrine-answer-47813"
PIXEL = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def person(course, instructor, admin_user, django_capture_on_commit_callbacks):  # noqa: F811
    """A learner with a record in every app, made through the real services where
    one exists (the organization's records, SCIM and SkillBridge rows as their
    services would leave them)."""
    user = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    profile = Profile.objects.get(user=user)
    profile.bio = f"I am {FIRST} {LAST}, reach me at {EMAIL}."
    profile.phone = "+1 555 0100"
    profile.avatar.save("me.png", SimpleUploadedFile("me.png", PIXEL), save=True)
    KnownDevice.objects.create(user=user, fingerprint="f" * 64, label="Firefox")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    consent_record(user=user, purpose="email_marketing", granted=True)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(actor=user, course_id=course.pk)
        for module in course.get_children().specific():
            module_progress_record(
                actor=user, course_id=course.pk, module_id=module.pk, completed=True
            )
    assert Certificate.objects.filter(user=user).exists()

    assessment = assessment_create(
        actor=instructor,
        course_id=course.pk,
        title="Capture quiz",
        assessment_type="quiz",
        questions=[
            {
                "id": "q1",
                "type": "short_answer",
                "prompt": "Tool to capture packets?",
                "correct": ["Wireshark"],
            }
        ],
        passing_score=50,
        max_attempts=2,
    )
    attempt_start(actor=user, assessment_id=assessment.pk)
    attempt_submit(actor=user, assessment_id=assessment.pk, answers={"q1": ANSWER})

    mentor = UserFactory(role=Role.MENTOR)
    assignment = mentorship.mentorship_create(
        actor=admin_user, mentor_id=mentor.pk, mentee_id=user.pk
    )
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    slot = mentorship.slot_create(
        actor=mentor, start=start, end=start + timedelta(hours=1)
    )[0]
    with django_capture_on_commit_callbacks(execute=True):
        session = mentorship.session_book(
            actor=user, slot_id=slot.pk, topic=f"{FIRST}'s career change"
        )
    mentorship.note_create(
        actor=mentor, session=session, body=f"{FIRST} {LAST} did well.", shared=True
    )
    mentorship.review_create(
        actor=mentor, assignment=assignment, summary=f"Good month for {FIRST} {LAST}."
    )
    mentorship.mentor_request_create(actor=user, message=f"Hello, {FIRST} here.")

    Order.objects.create(
        user=user,
        course=course,
        course_title=course.title,
        amount="49.00",
        currency="USD",
        provider="stripe",
        status="paid",
        paid_at=timezone.now(),
        redirect_url="https://checkout.example/pay/1",
    )
    VoucherCode.objects.create(
        course=course, code="EXAM-1", claimed_by=user, claimed_at=timezone.now()
    )

    acme = Organization.objects.create(name="Acme", slug="acme")
    organization_member_add(organization=acme, user=user)
    rep = UserFactory(role=Role.CORPORATE_REP)
    organization_member_add(
        organization=acme, user=rep, role=OrganizationMembership.Role.REPRESENTATIVE
    )
    Invitation.objects.create(
        organization=acme,
        email=EMAIL,
        first_name=FIRST,
        last_name=LAST,
        token_hash="a" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    pool = SeatPool.objects.create(organization=acme, course=course, quantity=2)
    SeatAssignment.objects.create(
        pool=pool,
        enrollment=Enrollment.objects.get(user=user),
        user=user,
        assigned_at=timezone.now(),
    )
    profile_talent = talent_profile_update(
        actor=user, data={"visible": True, "headline": f"{FIRST} seeks a SOC role"}
    )
    interest_send(
        actor=rep, profile_id=profile_talent.pk, message="We would like to talk."
    )
    Participant.objects.create(
        cohort=Cohort.objects.create(name="Spring"),
        user=user,
        full_name=f"{FIRST} {LAST}",
        email=EMAIL,
        service_branch="navy",
        unit="VFA-103",
        separation_date=date(2026, 9, 1),
        program_start=date(2026, 3, 1),
        program_end=date(2026, 8, 1),
        weekly_hours=40,
    )
    ScimIdentity.objects.create(organization=acme, user=user, user_name=EMAIL)
    notify(user=user, event="corporate.member_added", payload={"name": FIRST})
    Job.objects.create(
        kind="bulk_enrollment",
        creator=rep,
        status=JobStatus.SUCCEEDED,
        result={"rows": [{"row": 1, "email": EMAIL, "outcome": "enrolled"}]},
    )
    WebhookEvent.objects.create(
        type="enrollment.created", payload={"data": {"email": EMAIL}}
    )
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message=f"Changed last name of {FIRST} {LAST}.",
    )
    log(instance=user, action="wagtail.edit", user=admin_user)
    return user


def _json(response, status=200):
    assert response.status_code == status, response.content
    return response.json()["data"]


def places_holding(needle: str) -> list[str]:
    """``table.column`` of every column of every table whose text contains
    ``needle`` (case-insensitive), whatever the column's type."""
    found = []
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [
                column.name
                for column in introspection.get_table_description(cursor, table)
            ]
            quote = connection.ops.quote_name
            for column in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608  # nosec B608
                    f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


class TestExportThenErase:
    def test_everything_exported_then_erased(
        self,
        api_client,
        person,
        admin_user,  # noqa: F811
    ):
        tokens = _json(login(api_client, person))
        bearer(api_client, tokens["token"])
        # Before: the searches find the person (the check below can fail).
        assert places_holding(EMAIL)
        assert places_holding(ANSWER)

        # --- Export ---------------------------------------------------------------
        job = _json(api_client.post("/api/v1/users/me/export"), 202)["job"]
        job = _json(api_client.get(f"/api/v1/jobs/{job['id']}"))
        assert job["status"] == "succeeded", job
        download = api_client.get(job["result"]["download_url"])
        assert download.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        names = set(archive.namelist())
        assert "README.txt" in names

        def section(name):
            return json.loads(archive.read(f"{name}.json"))

        assert section("accounts.account")[0]["email"] == EMAIL
        assert section("accounts.profile")[0]["phone"] == "+1 555 0100"
        assert section("accounts.profile")[0]["avatar"] in names
        certificate = section("learning.certificates")[0]
        assert certificate["pdf"] in names
        assert section("learning.enrollments")[0]["status"] == "completed"
        assert len(section("learning.module_progress")) == 3
        assert section("assessments.attempts")[0]["answers"] == {"q1": ANSWER}
        notes = section("mentorship.notes")
        assert notes[0]["body"] == f"{FIRST} {LAST} did well."
        assert section("mentorship.reviews")[0]["summary"].endswith(f"{LAST}.")
        assert section("mentorship.sessions")[0]["topic"].startswith(FIRST)
        assert section("payments.orders")[0]["amount"] == "49.00"
        assert section("certifications.vouchers")[0]["code"] == "EXAM-1"
        assert section("corporate.memberships")[0]["organization__name"] == "Acme"
        assert section("corporate.invitations_received")[0]["email"] == EMAIL
        assert section("talent.profile")[0]["headline"].startswith(FIRST)
        assert section("talent.interests_received")[0]["status"] == "pending"
        assert section("skillbridge.participation")[0]["unit"] == "VFA-103"
        assert section("scim.identities")[0]["user_name"] == EMAIL
        assert section("notifications.notifications")
        purposes = {(c["purpose"], c["granted"]) for c in section("privacy.consents")}
        assert ("email_marketing", True) in purposes
        assert ("talent_pipeline", True) in purposes
        actions = {e["action"] for e in section("audit.entries")}
        assert "auth.login_succeeded" in actions
        assert section("accounts.devices")[0]["label"] == "Firefox"
        # Once only.
        again = api_client.get(job["result"]["download_url"])
        assert again.status_code == 404
        assert again.json()["errors"][0]["code"] == "NOT_FOUND"

        # --- Erase ----------------------------------------------------------------
        number = certificate["number"]
        job = _json(
            api_client.post(
                "/api/v1/users/me/erase", {"password": PASSWORD}, format="json"
            ),
            202,
        )["job"]
        # The person's token no longer works, so an administrator reads the job.
        bearer(api_client, _json(login(api_client, admin_user))["token"])
        job = _json(api_client.get(f"/api/v1/jobs/{job['id']}"))
        assert job["status"] == "succeeded", job
        kept = {(k["model"], k["action"]) for k in job["result"]["kept"]}
        assert ("payments.Order", "kept") in kept
        assert ("corporate.SeatAssignment", "kept") in kept
        why = {k["model"]: k["why"] for k in job["result"]["kept"]}
        assert "tax law" in why["payments.Order"]
        erased = {(e["model"], e["action"]) for e in job["result"]["erased"]}
        assert {
            ("assessments.Attempt", "deleted"),
            ("learning.Certificate", "anonymized"),
            ("audit.AuditLog", "anonymized"),
            ("accounts.User", "anonymized"),
            ("talent.TalentProfile", "deleted"),
        } <= erased

        for needle in (EMAIL, FIRST, LAST, ANSWER, "VFA-103", "+1 555 0100"):
            assert places_holding(needle) == [], needle

        # Kept: the certificate verifies, without a name; the order is there.
        verified = _json(
            api_client.post(
                f"/api/v1/certificates/{Certificate.objects.get(number=number).pk}"
                "/verify",
                {"certificate_number": number},
                format="json",
            )
        )
        assert verified["valid"] is True
        assert verified["course_title"]
        assert FIRST not in verified["holder_name"]
        assert api_client.get(f"/certificates/verify/{number}/").status_code == 200
        assert Order.objects.filter(user=person).count() == 1
        assert audit_chain_verify() == []
        assert ErasedAccount.objects.filter(user=person).exists()
        latest = ConsentRecord.objects.filter(user=person).order_by("-at", "-pk")
        assert not latest.first().granted

        # The login is gone: tokens, refresh tokens and the password all fail.
        api_client.credentials()
        assert login(api_client, person).status_code == 401
        refresh = api_client.post(
            "/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, format="json"
        )
        assert refresh.status_code == 401
        bearer(api_client, tokens["token"])
        assert api_client.get("/api/v1/users/me").status_code == 401
        # The address is free: a new, unrelated account may take it.
        api_client.credentials()
        registered = api_client.post(
            "/api/v1/auth/register",
            {"email": EMAIL, "password": PASSWORD, "first_name": "New"},
            format="json",
        )
        assert registered.status_code == 201, registered.content
        assert _json(registered, 201)["user"]["id"] != person.pk
