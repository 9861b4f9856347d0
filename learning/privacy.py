"""This app's answers to the personal-data extension points (``portal.hooks``):
enrollments, progress, learning sessions, certificates and mentor assignments.

Erasure deletes the learning record (progress, sessions, enrollments no one else
relies on, assignments to a mentor) and keeps what third parties rely on:
certificates still verify by number and hash, with course, dates and revocation,
but no longer name their holder; an enrollment a certificate or an
organization's seat points at stays with its status and dates only."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from portal.hooks import (
    Erasure,
    ErasureSteps,
    erase_file_on_commit,
    personal_data_covers,
)
from portal.redaction import person_needles, redact_text

from .models import (
    Certificate,
    Enrollment,
    LearningSession,
    MentorAssignment,
    ModuleProgress,
)

RELATIONS = (
    "learning.Enrollment.user",
    "learning.ModuleProgress.user",
    "learning.LearningSession.user",
    "learning.Certificate.user",
    "learning.Certificate.revoked_by",
    "learning.MentorAssignment.mentor",
    "learning.MentorAssignment.mentee",
    "learning.MentorAssignment.assigned_by",
    "learning.MentorAssignment.ended_by",
)
# What a certificate shows where its erased holder's name was.
HOLDER_WITHHELD = "(name withheld at the holder's request)"


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    return {
        "learning.enrollments": list(
            Enrollment.objects.filter(user=user)
            .order_by("enrolled_at", "pk")
            .values(
                "course_id",
                "course__title",
                "source",
                "status",
                "enrolled_at",
                "completed_at",
                "cancelled_at",
                "progress_percentage",
                "last_accessed",
            )
        ),
        "learning.module_progress": list(
            ModuleProgress.objects.filter(user=user)
            .order_by("course_id", "module_id")
            .values(
                "course_id",
                "module_id",
                "module__title",
                "completed_at",
                "time_spent",
                "last_position",
                "updated_at",
            )
        ),
        "learning.learning_sessions": list(
            LearningSession.objects.filter(user=user)
            .order_by("started_at")
            .values(
                "course_id",
                "started_at",
                "ended_at",
                "time_spent",
                "pages_viewed",
                "interactions",
            )
        ),
        "learning.certificates": [
            {
                "number": c.number,
                "course_title": c.course_title,
                "holder_name": c.holder_name,
                "issued_at": c.issued_at,
                "expires_at": c.expires_at,
                "revoked_at": c.revoked_at,
                "revoked_reason": c.revoked_reason,
                "verification_hash": c.verification_hash,
                "pdf": c.pdf,
            }
            for c in Certificate.objects.filter(user=user).order_by("issued_at")
        ],
        "learning.certificates_revoked_by_you": list(
            Certificate.objects.filter(revoked_by=user).values("number", "revoked_at")
        ),
        "learning.mentor_assignments": list(
            MentorAssignment.objects.filter(Q(mentee=user) | Q(mentor=user))
            .order_by("created_at")
            .values(
                "mentor_id",
                "mentee_id",
                "course_id",
                "created_at",
                "ended_at",
            )
        ),
        "learning.mentor_assignments_managed": list(
            MentorAssignment.objects.filter(Q(assigned_by=user) | Q(ended_by=user))
            .order_by("created_at")
            .values("id", "created_at", "ended_at")
        ),
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    needles = person_needles(user)
    steps = ErasureSteps()

    steps.delete("learning.ModuleProgress", ModuleProgress.objects.filter(user=user))
    steps.delete("learning.LearningSession", LearningSession.objects.filter(user=user))

    certificates = list(Certificate.objects.filter(user=user))
    for certificate in certificates:
        erase_file_on_commit(field_file=certificate.pdf)
        certificate.holder_name = HOLDER_WITHHELD
        certificate.revoked_reason = redact_text(certificate.revoked_reason, needles)
        certificate.save(update_fields=["pdf", "holder_name", "revoked_reason"])
    steps.append(
        Erasure(
            "learning.Certificate",
            Erasure.ANONYMIZED,
            len(certificates),
            "Employers and certification bodies verify certificates: number, "
            "course, issue and expiry dates, revocation and verification hash stay "
            "(legitimate interest of the holder and third parties, GDPR Art. "
            "17(3)(e)); the holder's name is withheld and the PDF deleted, so a "
            "verification no longer says who holds it.",
        )
    )

    # Assignments to a mentor are the person's record (their sessions and reviews
    # go with them); where the person is the mentor, the assignment is the
    # mentee's history and only ends.
    steps.delete(
        "learning.MentorAssignment", MentorAssignment.objects.filter(mentee=user)
    )
    now = timezone.now()
    steps.append(
        Erasure(
            "learning.MentorAssignment",
            Erasure.ANONYMIZED,
            MentorAssignment.objects.filter(mentor=user, ended_at__isnull=True).update(
                ended_at=now
            ),
            "Assignments where the person was the mentor are ended; they stay in "
            "the mentees' history, pointing at the anonymized account.",
        )
    )

    deleted = kept = 0
    for enrollment in Enrollment.objects.filter(user=user).order_by("pk"):
        try:
            with transaction.atomic():
                enrollment.delete()
            deleted += 1
        except ProtectedError:
            enrollment.last_module = None
            enrollment.last_accessed = None
            enrollment.save(update_fields=["last_module", "last_accessed"])
            kept += 1
    steps.append(Erasure("learning.Enrollment", Erasure.DELETED, deleted))
    steps.append(
        Erasure(
            "learning.Enrollment",
            Erasure.KEPT,
            kept,
            "A certificate or an organization's paid seat refers to these "
            "enrollments; only course, status and dates remain.",
        )
    )
    steps.append(
        Erasure(
            "learning.Certificate",
            Erasure.KEPT,
            Certificate.objects.filter(revoked_by=user).count(),
            "Certificates the person revoked as an administrator are their "
            "holders'; they point at the anonymized account.",
        )
    )
    steps.append(
        Erasure(
            "learning.MentorAssignment",
            Erasure.KEPT,
            MentorAssignment.objects.filter(
                Q(assigned_by=user) | Q(ended_by=user)
            ).count(),
            "Assignments the person made or ended as staff are others' records.",
        )
    )
    return steps
