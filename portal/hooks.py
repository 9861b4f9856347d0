"""Every extension point of the portal, in one place.

A lower app asks a question only a higher app can answer ("is this user enrolled in
this course?": ``content`` must not import ``learning``). The lower app calls a
helper below; the higher app registers an answer with ``wagtail.hooks`` in its
``wagtail_hooks.py`` (registrations only), e.g.::

    hooks.register(portal.hooks.COURSE_MEMBER_CHECK, is_enrolled_in_any)

Wagtail imports every installed app's ``wagtail_hooks`` module the first time
anything calls ``hooks.get_hooks`` (``wagtail.hooks.search_for_hooks``), so the
answers are there in every process — web, Celery worker, management command, test —
without ``AppConfig.ready()`` wiring. Tests swap an answer with
``wagtail.hooks.register_temporarily``.

Each extension point below has a name (the constant), the signature an
implementation must honour, what it returns and how several answers combine
(any / first / collected in order). ``order`` in ``hooks.register`` sets the order;
equal orders keep the order of registration. Callers use the helper functions, never
``get_hooks`` with a raw string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import AppConfig
from django.core import checks
from wagtail import hooks

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.demo import DemoReport


# --- Course content: who is a member of a course -----------------------------------

COURSE_MEMBER_CHECK = "portal_course_member_check"


class CourseMemberCheck(Protocol):
    """Whether a signed-in ``user`` belongs to at least one of ``course_ids`` and so
    may read their modules, documents and videos (``content.access``). Combined with
    *any*: one ``True`` admits. ``learning`` registers "enrolled in one of them"."""

    def __call__(self, *, user: Any, course_ids: Sequence[int]) -> bool: ...


def course_member_any(*, user: Any, course_ids: Sequence[int]) -> bool:
    """Whether any registered ``COURSE_MEMBER_CHECK`` admits ``user``."""
    return any(
        check(user=user, course_ids=course_ids)
        for check in hooks.get_hooks(COURSE_MEMBER_CHECK)
    )


# --- Module list: per-learner state ------------------------------------------------

MODULE_STATE = "portal_module_state"


class ModuleState(Protocol):
    """Extra per-learner fields for a page of a course's modules in the module API:
    ``{module_id: {field: value}}`` (``{}`` when it has nothing to add). Collected in
    order: each answer's fields are merged into the module's, later ones win.
    ``learning`` registers completion state."""

    def __call__(
        self, *, user: Any, course: Any, modules: Sequence[Any]
    ) -> dict[int, dict]: ...


def module_state_collect(
    *, user: Any, course: Any, modules: Sequence[Any]
) -> dict[int, dict]:
    """Every registered ``MODULE_STATE`` answer, merged per module."""
    state: dict[int, dict] = {}
    for provider in hooks.get_hooks(MODULE_STATE):
        for module_id, extra in provider(
            user=user, course=course, modules=modules
        ).items():
            state.setdefault(module_id, {}).update(extra)
    return state


# --- Completion: why a module may not be marked complete by hand -------------------

COMPLETION_GUARD = "portal_completion_guard"


class CompletionGuard(Protocol):
    """Why ``user`` may not mark ``module`` complete by hand (a translated sentence),
    or ``None``. The *first* reason in order refuses. ``assessments`` registers
    "pass the module's required assessment"."""

    def __call__(self, *, user: Any, module: Any) -> str | None: ...


def completion_refusal(*, user: Any, module: Any) -> str | None:
    """The first reason a registered ``COMPLETION_GUARD`` gives, or ``None``."""
    for guard in hooks.get_hooks(COMPLETION_GUARD):
        reason = guard(user=user, module=module)
        if reason:
            return reason
    return None


# --- Completion: can anything complete a module? -----------------------------------

COMPLETION_SOURCES = "portal_completion_sources"


class CompletionSources(Protocol):
    """Which of ``module_ids`` something of the app can complete (a required
    assessment, a lab with flags), for modules completed by ``pass`` or ``flag``
    rather than by hand. Combined: the *union* of every answer. ``assessments``
    registers "has a live required assessment, or a lab with flags"."""

    def __call__(self, *, module_ids: Sequence[int]) -> set[int]: ...


def completion_sources(*, module_ids: Sequence[int]) -> set[int]:
    """The modules among ``module_ids`` that a registered ``COMPLETION_SOURCES``
    says can be completed."""
    found: set[int] = set()
    for answer in hooks.get_hooks(COMPLETION_SOURCES):
        found |= answer(module_ids=module_ids)
    return found


# --- Enrollment: enrolling someone else ----------------------------------------------

ENROLL_ON_BEHALF = "portal_enroll_on_behalf"


class EnrollOnBehalf(Protocol):
    """Enroll the user ``user_id`` in ``course_id`` at the request of ``actor``, who
    is not an administrator (``POST /courses/{id}/enroll`` with ``{user_id}``).

    Return ``None`` when this answer has nothing to say about ``actor`` (not its
    kind of person, e.g. not a corporate representative): the next answer is asked.
    Otherwise enroll through ``learning.services.enrollment_create`` (with its own
    ``source``) and return the enrollment, or raise a ``portal.errors.DomainError``
    (``NotFound`` for a user outside the actor's reach, ``NO_SEATS_LEFT`` ...).
    The caller's transaction is open. *First* answer that is not ``None`` wins;
    none at all refuses (403). ``corporate`` registers "a rep enrolls a member of
    her organization on one of its seats"."""

    def __call__(self, *, actor: Any, course_id: int, user_id: int) -> Any | None: ...


def enroll_on_behalf_first(*, actor: Any, course_id: int, user_id: int) -> Any | None:
    """The first registered ``ENROLL_ON_BEHALF`` answer that applies, or ``None``."""
    for answer in hooks.get_hooks(ENROLL_ON_BEHALF):
        enrollment = answer(actor=actor, course_id=course_id, user_id=user_id)
        if enrollment is not None:
            return enrollment
    return None


# --- Roster: a learner's results in a course ----------------------------------------

LEARNER_RESULTS = "portal_learner_results"


class LearnerResults(Protocol):
    """The assessment results of the learners ``user_ids`` of ``course``, for the
    course roster (``learning.roster``), in a number of queries that does not grow
    with the learners::

        {"assessments": [{"id", "title", "type", "flags_total"}],
         "rows": {user_id: {assessment_id: {"best_score", "passed", "attempts",
                                            "pending_review", "flags_captured"}}}}

    ``best_score`` is a percent or ``None``; ``flags_total``/``flags_captured``
    count a lab's flags (0 for other assessments). Collected in order: the
    assessments concatenated, each learner's cells merged. ``assessments``
    registers its figures."""

    def __call__(self, *, course: Any, user_ids: Sequence[int]) -> dict: ...


def learner_results_collect(*, course: Any, user_ids: Sequence[int]) -> dict:
    """Every registered ``LEARNER_RESULTS`` answer, combined."""
    assessments: list[dict] = []
    rows: dict[int, dict] = {}
    for provider in hooks.get_hooks(LEARNER_RESULTS):
        answer = provider(course=course, user_ids=user_ids)
        assessments.extend(answer.get("assessments", []))
        for user_id, cells in answer.get("rows", {}).items():
            rows.setdefault(user_id, {}).update(cells)
    return {"assessments": assessments, "rows": rows}


# --- Analytics: assessment figures -------------------------------------------------

COURSE_ASSESSMENT_ANALYTICS = "portal_course_assessment_analytics"
USER_ASSESSMENT_HISTORY = "portal_user_assessment_history"


class CourseAssessmentAnalytics(Protocol):
    """One row per assessment of ``course``, counting the attempts of ``learners``
    (a ``user_id`` values queryset of its current enrollments), in a bounded number
    of queries. Rows of all answers are concatenated in order. ``assessments``
    registers its figures."""

    def __call__(self, *, course: Any, learners: QuerySet) -> list: ...


class UserAssessmentHistory(Protocol):
    """The assessment results of ``user``, grouped per course, in a bounded number
    of queries. Rows of all answers are concatenated in order."""

    def __call__(self, *, user: Any) -> list: ...


def course_assessment_rows(*, course: Any, learners: QuerySet) -> list:
    """Every registered ``COURSE_ASSESSMENT_ANALYTICS`` row, in order."""
    return [
        row
        for rows in hooks.get_hooks(COURSE_ASSESSMENT_ANALYTICS)
        for row in rows(course=course, learners=learners)
    ]


def user_assessment_rows(*, user: Any) -> list:
    """Every registered ``USER_ASSESSMENT_HISTORY`` row, in order."""
    return [
        row
        for rows in hooks.get_hooks(USER_ASSESSMENT_HISTORY)
        for row in rows(user=user)
    ]


# --- Mentoring: why a learner needs attention --------------------------------------

LEARNER_ATTENTION = "portal_learner_attention"


class LearnerAttention(Protocol):
    """Reasons (short translated sentences) why each of ``user_ids`` needs a
    mentor's attention, looking at ``since`` .. now and deadlines before ``until``:
    ``{user_id: [reason, ...]}``, users without a reason left out, in a bounded
    number of queries whatever the number of users. Answers are merged (reasons
    concatenated in order). ``assessments`` registers failed attempts and
    attempt deadlines; ``learning.mentorship`` asks."""

    def __call__(
        self, *, user_ids: Sequence[int], since: Any, until: Any
    ) -> dict[int, list[str]]: ...


def learner_attention_collect(
    *, user_ids: Sequence[int], since: Any, until: Any
) -> dict[int, list[str]]:
    """Every registered ``LEARNER_ATTENTION`` answer, merged per user."""
    reasons: dict[int, list[str]] = {}
    if not user_ids:
        return reasons
    for provider in hooks.get_hooks(LEARNER_ATTENTION):
        for user_id, found in provider(
            user_ids=user_ids, since=since, until=until
        ).items():
            reasons.setdefault(user_id, []).extend(found)
    return reasons


# --- Enrollment: side effects of a cancellation ---------------------------------------

ENROLLMENT_CANCELLED = "portal_enrollment_cancelled"


class EnrollmentCancelled(Protocol):
    """Called inside ``learning.services.enrollment_cancel``'s transaction after an
    enrollment was cancelled (not when it already was). All run, in order.
    ``corporate`` registers "return the seat when cancelled within the window"."""

    def __call__(self, *, enrollment: Any, actor: Any) -> None: ...


def enrollment_cancelled_notify(*, enrollment: Any, actor: Any) -> None:
    """Run every registered ``ENROLLMENT_CANCELLED`` answer."""
    for answer in hooks.get_hooks(ENROLLMENT_CANCELLED):
        answer(enrollment=enrollment, actor=actor)


# --- Domain events: what happened to a learner, for other apps to follow ------------

DOMAIN_EVENT = "portal_domain_event"


class DomainEvent(Protocol):
    """``event`` (one of ``portal/webhooks/events.py``: ``enrollment.created``,
    ``enrollment.completed``, ``certificate.issued``, ``certificate.revoked``,
    ``order.paid``, ``order.refunded``) happened, with the ``data`` partners'
    webhooks carry (ids: ``user_id``, ``course_id`` ...). Published by
    ``portal.webhooks.services.webhook_event_emit`` inside the change's transaction,
    whether or not a partner subscribed. All run, in order. An answer only queues
    work (``portal.queue.enqueue_on_commit``) and never calls an outside system.
    ``learning.community`` registers "sync the learner's Discord roles"."""

    def __call__(self, *, event: str, data: dict) -> None: ...


def domain_event_publish(*, event: str, data: dict) -> None:
    """Run every registered ``DOMAIN_EVENT`` answer."""
    for answer in hooks.get_hooks(DOMAIN_EVENT):
        answer(event=event, data=data)


# --- Reports: best assessment scores -----------------------------------------------

BEST_SCORES = "portal_best_scores"


class BestScores(Protocol):
    """The best on-time graded score (percent) of each of ``user_ids`` in each of
    ``course_ids``: ``{(user_id, course_id): score}``, pairs without one left out,
    in one query whatever the number of rows. Merged in order, the higher score
    wins. ``assessments`` registers its attempts."""

    def __call__(
        self, *, user_ids: Sequence[int], course_ids: Sequence[int]
    ) -> dict[tuple[int, int], float]: ...


def best_scores_collect(
    *, user_ids: Sequence[int], course_ids: Sequence[int]
) -> dict[tuple[int, int], float]:
    """Every registered ``BEST_SCORES`` answer merged (higher wins)."""
    best: dict[tuple[int, int], float] = {}
    for answer in hooks.get_hooks(BEST_SCORES):
        for pair, score in answer(user_ids=user_ids, course_ids=course_ids).items():
            if pair not in best or score > best[pair]:
                best[pair] = score
    return best


# --- Skills: statements tagged and demonstrated in assessments --------------------

SKILL_EVIDENCE = "portal_skill_evidence"
SKILL_COURSE_STATEMENTS = "portal_skill_course_statements"


class SkillEvidence(Protocol):
    """What the users ``user_ids`` demonstrated of the NICE Framework: one dict per
    piece of evidence, ``{"user_id": int, "statement": "T0084", "source": "question"
    | "flag", "title": str, "assessment_id": int, "course_id": int, "at":
    datetime}`` (statement ids are NICE ids, version-free), in a bounded number of
    queries whatever the number of users. Rows of all answers are concatenated in
    order. ``assessments`` registers "a tagged question answered correctly in a
    passed attempt, a tagged lab flag captured"."""

    def __call__(self, *, user_ids: Sequence[int]) -> list[dict]: ...


class SkillCourseStatements(Protocol):
    """NICE statement ids tagged on items of the courses ``course_ids`` that a higher
    app holds (assessment questions, lab flags): ``{course_id: {statement id}}``.
    Answers are merged per course. ``assessments`` registers its question tags."""

    def __call__(self, *, course_ids: Sequence[int] | None) -> dict[int, set[str]]: ...


def skill_evidence_collect(*, user_ids: Sequence[int]) -> list[dict]:
    """Every registered ``SKILL_EVIDENCE`` row for the users ``user_ids``, in
    order."""
    if not user_ids:
        return []
    return [
        row
        for rows in hooks.get_hooks(SKILL_EVIDENCE)
        for row in rows(user_ids=user_ids)
    ]


def skill_course_statements_collect(
    *, course_ids: Sequence[int] | None = None
) -> dict[int, set[str]]:
    """Every registered ``SKILL_COURSE_STATEMENTS`` answer, merged per course
    (``course_ids=None``: every course)."""
    merged: dict[int, set[str]] = {}
    for provider in hooks.get_hooks(SKILL_COURSE_STATEMENTS):
        for course_id, statements in provider(course_ids=course_ids).items():
            merged.setdefault(course_id, set()).update(statements)
    return merged


# --- Demo content for ``make run`` -------------------------------------------------

DEMO_SEED = "portal_demo_seed"


class DemoSeed(Protocol):
    """Create an app's demo data and tell the reader about it in ``report``.
    Idempotent (``make run`` may seed any number of times). Run in order (register
    with ``order=``): accounts 0, content 10, learning 20, corporate 30."""

    def __call__(self, report: DemoReport) -> None: ...


def demo_seed_run(*, report: DemoReport) -> None:
    """Run every registered ``DEMO_SEED`` in order."""
    for seed in hooks.get_hooks(DEMO_SEED):
        seed(report)


# --- Encryption at rest: what an app keeps encrypted outside encrypted columns -------

ENCRYPTED_DATA_REENCRYPT = "portal_encrypted_data_reencrypt"


class EncryptedDataReencrypt(Protocol):
    """Re-encrypt under the current key (``portal.crypto.fields.rotate_bytes`` /
    ``rotate_text``) what an app keeps encrypted *outside* ``EncryptedTextField``
    columns, which ``manage.py reencrypt`` finds on its own: secrets inside JSON,
    encrypted files. In batches of ``batch_size`` locked rows, idempotent (a value
    already under the current key is left alone). Returns ``{label:
    portal.crypto.services.Rotation}``; all run, in order, and the counts are merged
    per label. ``portal.accounts`` registers MFA secrets,
    ``corporate.skillbridge`` the commanders' approval documents."""

    def __call__(self, *, batch_size: int) -> dict[str, Any]: ...


def encrypted_data_reencrypt_collect(*, batch_size: int) -> dict[str, Any]:
    """Run every registered ``ENCRYPTED_DATA_REENCRYPT``; their counts per label
    (a label two answers share keeps the later count: use distinct labels)."""
    report: dict[str, Any] = {}
    for answer in hooks.get_hooks(ENCRYPTED_DATA_REENCRYPT):
        report.update(answer(batch_size=batch_size))
    return report


# --- Personal data: export (GDPR Art. 15/20) and erasure (Art. 17) ------------------

PERSONAL_DATA_EXPORT = "portal_personal_data_export"
PERSONAL_DATA_ERASE = "portal_personal_data_erase"


class PersonalDataExport(Protocol):
    """What an app holds about ``user``, for a subject access request: ``{section:
    rows}`` (``{}`` when it holds nothing), each row a dict of JSON-serializable
    values (``DjangoJSONEncoder`` types: dates, decimals, UUIDs) or files (a
    ``FieldFile``: copied into the export and replaced by its path there; an empty
    one becomes ``null``). Section names are ``<app label>.<what>``, unique over
    all answers. Every app holding personal data registers one; all answers are
    merged into one export (``portal.privacy``).

    ``covers`` (set with ``personal_data_covers``) names every relation to the user
    model the answer reads, as ``"app_label.Model.field"``: a test fails when a
    foreign key or one-to-one field to the user is covered by no answer."""

    covers: tuple[str, ...]

    def __call__(self, *, user: Any) -> dict[str, list[dict]]: ...


@dataclass(frozen=True)
class Erasure:
    """What an erasure did to one model's rows about a user: ``action`` is
    ``deleted``, ``anonymized`` (rows stay, personal values are gone) or ``kept``
    (rows stay as they are), and ``why`` tells the reader of the job's result the
    reason (a law, someone else's record) in one sentence."""

    model: str
    action: str
    rows: int
    why: str = ""

    DELETED = "deleted"
    ANONYMIZED = "anonymized"
    KEPT = "kept"

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "action": self.action,
            "rows": self.rows,
            "why": self.why,
        }


def erase_file_on_commit(*, field_file: Any) -> None:
    """Empty ``field_file`` on its instance now (the caller saves or deletes the
    row) and delete the stored file once the erasure's transaction commits: a
    rolled-back erasure must not have lost the person's files already. A delete
    that fails then (the bucket unreachable) is logged and does not stop the
    other files' deletes nor fail the erasure that committed (``robust``)."""
    if not field_file:
        return
    from django.db import transaction

    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name), robust=True)
    field_file.name = None
    setattr(field_file.instance, field_file.field.attname, None)


class ErasureSteps(list):
    """The steps of one app's erasure, in order: ``delete`` a queryset's rows or
    ``keep`` them (with the reason), recording each as an ``Erasure``; other steps
    are appended as ``Erasure`` values."""

    def delete(self, model: str, queryset: Any) -> None:
        rows = queryset.count()
        queryset.delete()
        self.append(Erasure(model, Erasure.DELETED, rows))

    def keep(self, model: str, queryset: Any, why: str) -> None:
        self.append(Erasure(model, Erasure.KEPT, queryset.count(), why))


class PersonalDataErase(Protocol):
    """Erase or anonymize what an app holds about ``user`` inside the caller's
    transaction, keeping what the law or other people's records require (a
    certificate third parties verify, an order kept for tax law), and say what it
    did, one ``Erasure`` per model and action (rows of 0 may be left out).

    Called while ``user`` still has its e-mail address and names (the account
    itself is anonymized last, by ``portal.accounts``, registered with
    ``order=100``), so answers may look those up in free text they hold. All run,
    in order. ``covers`` as for ``PersonalDataExport``."""

    covers: tuple[str, ...]

    def __call__(self, *, user: Any) -> list[Erasure]: ...


def personal_data_covers(*, relations: Sequence[str]) -> Callable[[Any], Any]:
    """Decorate a ``PERSONAL_DATA_EXPORT`` or ``PERSONAL_DATA_ERASE`` answer with the
    relations to the user model it handles (``"app_label.Model.field"``)."""

    def mark(answer):
        answer.covers = tuple(relations)
        return answer

    return mark


def personal_data_export_collect(*, user: Any) -> dict[str, list[dict]]:
    """Every registered ``PERSONAL_DATA_EXPORT`` answer, merged into one dict of
    sections; a section named twice is a programming error."""
    sections: dict[str, list[dict]] = {}
    for answer in hooks.get_hooks(PERSONAL_DATA_EXPORT):
        for name, rows in answer(user=user).items():
            if name in sections:
                raise ValueError(f"Personal data section {name!r} exported twice.")
            sections[name] = list(rows)
    return sections


def personal_data_erase_all(*, user: Any) -> list[Erasure]:
    """Run every registered ``PERSONAL_DATA_ERASE`` answer in order; what each did,
    without the steps that touched no row."""
    return [
        step
        for answer in hooks.get_hooks(PERSONAL_DATA_ERASE)
        for step in answer(user=user)
        if step.rows
    ]


def personal_data_covered(*, name: str) -> set[str]:
    """The relations to the user model that the answers registered for ``name``
    (``PERSONAL_DATA_EXPORT`` or ``PERSONAL_DATA_ERASE``) declare they cover."""
    return {
        relation
        for answer in hooks.get_hooks(name)
        for relation in getattr(answer, "covers", ())
    }


# --- Consent: reacting to a person's choice --------------------------------------

CONSENT_CHANGED = "portal_consent_changed"


class ConsentChanged(Protocol):
    """Called inside ``portal.privacy``'s transaction after ``user`` granted or
    withdrew consent to ``purpose`` (``"talent_pipeline"`` ...). All run, in order.
    ``corporate.talent`` registers "a withdrawn talent-pipeline consent hides the
    career profile"."""

    def __call__(self, *, user: Any, purpose: str, granted: bool) -> None: ...


def consent_changed_notify(*, user: Any, purpose: str, granted: bool) -> None:
    """Run every registered ``CONSENT_CHANGED`` answer."""
    for answer in hooks.get_hooks(CONSENT_CHANGED):
        answer(user=user, purpose=purpose, granted=granted)


# --- Declared for the coming issues (nothing registers them yet) -------------------

# --- Metrics: what an app adds to GET /metrics -------------------------------------

METRICS = "portal_metrics"


class Metrics(Protocol):
    """Register an app's Prometheus collectors (``prometheus_client``) with
    ``registry``; called once per process, when ``/metrics`` is first scraped
    (``portal.metrics.registry``). All run.

    For values read at scrape time (a count in the database, a queue's length)
    register a ``portal.metrics.collectors.ScrapeGauge``: several web processes
    answer the same value, so they must not be counters kept in one process.
    ``portal.metrics`` registers Celery's queue lengths, ``content`` the transcoding
    backlog, ``learning`` the active learners, ``portal.backups`` the backup age."""

    def __call__(self, *, registry: Any) -> None: ...


def metrics_register_all(*, registry: Any) -> None:
    """Run every registered ``METRICS`` answer on ``registry``."""
    for register in hooks.get_hooks(METRICS):
        register(registry=registry)


NOTIFICATION = "portal_notification"


class Notification(Protocol):
    """Deliver ``event`` (a dotted name such as ``"learning.certificate_issued"``)
    with its JSON ``payload`` to ``user`` over one channel (email, Discord, ...);
    return whether it was sent. Called from a Celery task, never inside a request's
    transaction. All channels run. ``portal.notifications`` registers e-mail and
    owns the catalogue of events (``portal/notifications/events.py``); senders call
    ``portal.notifications.services.notify``, never this hook directly."""

    def __call__(self, *, user: Any, event: str, payload: dict) -> bool: ...


def notification_deliver_all(*, user: Any, event: str, payload: dict) -> list[str]:
    """Run every registered ``NOTIFICATION`` channel; the names of those that sent
    (a channel's name is its ``channel`` attribute, else its function name)."""
    sent = []
    for channel in hooks.get_hooks(NOTIFICATION):
        if channel(user=user, event=event, payload=payload):
            sent.append(getattr(channel, "channel", channel.__name__))
    return sent


NOTIFICATION_ATTACHMENT = "portal_notification_attachment"


class NotificationAttachment(Protocol):
    """The file a notification names in its payload's ``attachments`` list
    (``[{"kind": "<app>.<what>", "ref": {...}}]``): ``(filename, content,
    mimetype)`` for the ``kind`` this answer knows, else ``None``. The *first*
    answer that knows the kind wins. Rendered when the message is sent, from ids
    in ``ref`` (payloads are JSON). ``learning.mentorship`` registers calendar
    invitations (``mentorship.session_ics``)."""

    def __call__(
        self, *, kind: str, ref: dict, user: Any
    ) -> tuple[str, bytes | str, str] | None: ...


def notification_attachments_render(
    *, payload: dict, user: Any
) -> list[tuple[str, bytes | str, str]]:
    """The files ``payload["attachments"]`` names, each rendered by the first
    ``NOTIFICATION_ATTACHMENT`` answer that knows its kind; a ``LookupError`` for a
    kind nobody renders (a message must not go out without what it promises)."""
    files = []
    for item in payload.get("attachments") or ():
        kind, ref = item.get("kind", ""), item.get("ref") or {}
        for render in hooks.get_hooks(NOTIFICATION_ATTACHMENT):
            found = render(kind=kind, ref=ref, user=user)
            if found is not None:
                files.append(found)
                break
        else:
            raise LookupError(f"no attachment renderer for {kind!r}")
    return files


# --- Outgoing webhooks: how a signed message reaches a partner --------------------

WEBHOOK_TRANSPORT = "portal_webhook_transport"


class WebhookTransport(Protocol):
    """Sends outgoing webhooks for ``portal.webhooks`` (which, being part of the
    portal, may not import ``integrations``). The *first* registered transport is
    used; ``integrations.webhooks`` registers the Standard Webhooks one over httpx.

    ``refusal(url=)`` says why a URL may not receive webhooks (the SSRF guard), or
    ``None``. ``send(...)`` signs and POSTs one message and returns ``(HTTP status
    or None, error text, empty on a 2xx)``; it never raises for the partner's
    failures."""

    def refusal(self, *, url: str) -> str | None: ...

    def send(
        self, *, url: str, secret: str, message_id: str, timestamp: Any, body: str
    ) -> tuple[int | None, str]: ...


def webhook_transport() -> WebhookTransport:
    """The registered ``WEBHOOK_TRANSPORT`` (the first one)."""
    transports = hooks.get_hooks(WEBHOOK_TRANSPORT)
    if not transports:
        raise RuntimeError("No outgoing webhook transport is registered.")
    return transports[0]


# Extension points the portal cannot work without: a process that lacks one fails
# ``manage.py check`` (registered by ``portal.health``) instead of silently locking
# learners out of their courses.
REQUIRED_HOOKS = (
    COURSE_MEMBER_CHECK,
    MODULE_STATE,
    COMPLETION_GUARD,
    COURSE_ASSESSMENT_ANALYTICS,
    USER_ASSESSMENT_HISTORY,
    DEMO_SEED,
    WEBHOOK_TRANSPORT,
)


def required_hooks_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A system check: every required extension point has an implementation."""
    return [
        checks.Error(
            f"No implementation is registered for the extension point {name!r}.",
            hint="Register one with wagtail.hooks in an app's wagtail_hooks.py.",
            obj=name,
            id="portal.E001",
        )
        for name in REQUIRED_HOOKS
        if not hooks.get_hooks(name)
    ]
