"""Erasure (GDPR Art. 17): a job runs every app's ``PERSONAL_DATA_ERASE`` answer
in one transaction, ends every session and token of the person, and leaves the
account as an anonymous placeholder nobody can sign in to. Its result lists, per
model, what was deleted, anonymized or kept, and why."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.accounts import backoff
from portal.accounts.models import User
from portal.accounts.permissions import is_admin
from portal.audit.services import audit_log_record
from portal.errors import Conflict, NotFound, PermissionDenied
from portal.hooks import personal_data_erase_all
from portal.jobs.models import Job, JobStatus
from portal.jobs.services import JobRun, job_run, job_start

from ..models import ErasedAccount
from ..selectors import account_is_erased

JOB_KIND = "personal_data_erase"


@transaction.atomic
def personal_data_erase_start(
    *, actor: User, user: User, password: str | None = None
) -> Job:
    """Queue the erasure of ``user``'s personal data.

    A person erases their own account by confirming their password (403 when it is
    wrong). An administrator erases anyone else's without it; an administrator's
    own account goes the person's way. Anyone else: 404 (whether the account exists
    is not theirs to know). 409 when the account is already erased or an erasure
    is queued."""
    by_admin = actor.pk != user.pk
    if by_admin and not is_admin(actor):
        raise NotFound("User not found.")
    if not by_admin and not user.check_password(password or ""):
        raise PermissionDenied("The password is not correct.")
    User.objects.select_for_update().filter(pk=user.pk).first()
    if account_is_erased(user=user):
        raise Conflict("This account was already erased.", code="ALREADY_ERASED")
    if Job.objects.filter(
        kind=JOB_KIND,
        params__user_id=user.pk,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).exists():
        raise Conflict(
            "The erasure of this account is already under way.",
            code="ERASURE_IN_PROGRESS",
        )
    from ..tasks import erase_personal_data

    return job_start(
        actor=actor,
        kind=JOB_KIND,
        task=erase_personal_data,
        params={"user_id": user.pk, "by_admin": by_admin},
        total=1,
    )


def personal_data_erase_run(*, job_id: int) -> Job | None:
    """The erasure job's work (see ``personal_data_erase``)."""

    def work(run: JobRun) -> None:
        steps = personal_data_erase(
            user_id=run.params["user_id"], by_admin=run.params.get("by_admin", False)
        )
        run.result.update(
            {
                "user_id": run.params["user_id"],
                "erased": [s for s in steps if s["action"] != "kept"],
                "kept": [s for s in steps if s["action"] == "kept"],
            }
        )
        run.progress(done=1, total=1, force=True)

    return job_run(job_id=job_id, work=work)


def personal_data_erase(*, user_id: int, by_admin: bool = False) -> list[dict]:
    """Erase the personal data of the user ``user_id`` in one transaction (all or
    nothing), and return what each app did (``Erasure.as_dict`` rows).

    Every app's answer runs while the account still has its address and names, so
    they can find them in free text; ``portal.accounts`` anonymizes the account
    last, which also ends every session and token. Afterwards the address is no
    longer known to the login throttles either. The erasure is audited (without
    anything that identifies the person) and recorded (``ErasedAccount``). Errors:
    409 when the account was already erased."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("User not found.")
        if account_is_erased(user=user):
            raise Conflict("This account was already erased.", code="ALREADY_ERASED")
        email = user.email
        steps = [step.as_dict() for step in personal_data_erase_all(user=user)]
        ErasedAccount.objects.create(
            user=user, erased_at=timezone.now(), by_admin=by_admin
        )
        audit_log_record(
            action="privacy.user_erased",
            resource_type="user",
            resource_id=user.pk,
            details={
                "by_admin": by_admin,
                "models": sorted({step["model"] for step in steps}),
            },
        )
    backoff.login_failures_clear(email=email)
    return steps
