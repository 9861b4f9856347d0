"""This app's answers to the personal-data extension points (``portal.hooks``):
exam vouchers claimed and loaded, and the continuing-education credits earned."""

from __future__ import annotations

from learning.models import Certificate
from portal.hooks import Erasure, personal_data_covers

from .models import CourseCredit, VoucherCode

RELATIONS = (
    "certifications.VoucherCode.claimed_by",
    "certifications.VoucherCode.loaded_by",
)


@personal_data_covers(relations=RELATIONS)
def personal_data_export(*, user) -> dict[str, list[dict]]:
    certificates = dict(
        Certificate.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "course_id", "number"
        )
    )
    return {
        "certifications.vouchers": list(
            VoucherCode.objects.filter(claimed_by=user)
            .order_by("claimed_at")
            .values("course_id", "course__title", "exam", "code", "claimed_at")
        ),
        "certifications.vouchers_loaded": list(
            VoucherCode.objects.filter(loaded_by=user).values("course_id", "loaded_at")
        ),
        "certifications.ce_credits": [
            {
                "course_id": credit.course_id,
                "body": credit.body,
                "hours": credit.hours,
                "certificate_number": certificates[credit.course_id],
            }
            for credit in CourseCredit.objects.filter(
                course_id__in=list(certificates)
            ).order_by("course_id", "body")
        ],
    }


@personal_data_covers(relations=RELATIONS)
def personal_data_erase(*, user) -> list[Erasure]:
    return [
        Erasure(
            "certifications.VoucherCode",
            Erasure.KEPT,
            VoucherCode.objects.filter(claimed_by=user).count(),
            "A claimed voucher is spent: the certification body may hold the code, "
            "so it must never be handed out again. Its claim points at the "
            "anonymized account.",
        ),
        Erasure(
            "certifications.VoucherCode",
            Erasure.KEPT,
            VoucherCode.objects.filter(loaded_by=user).count(),
            "Vouchers the person loaded as an administrator are the organization's.",
        ),
    ]
