"""An assessment's authored input: what an author sets (``AuthoredFields``, declared
once here) and the checks on its settings and its question list.

Each check raises ``InvalidInput`` naming the field; the authoring services run them
before saving anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Required, TypedDict

from django.utils.html import strip_tags

from content.models import CoursePage, ModulePage
from portal.errors import InvalidInput

from ..models import AssessmentType
from ..questions import FLAG, questions_validate


class AuthoredFields(TypedDict, total=False):
    """What an author sets on an assessment, the one declaration of it: create and
    update take these, a partial edit may change any of them (``AUTHORED_FIELDS``),
    the admin form passes them on. The model holds them as columns and the API's
    input serializer mirrors them (a test keeps both in step)."""

    title: Required[str]
    assessment_type: Required[str]
    questions: Required[Any]
    passing_score: Required[Decimal]
    max_attempts: int
    time_limit: int | None
    module_id: int | None
    required_for_completion: bool
    shuffle_questions: bool
    pool_size: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    show_answers_after_submit: bool
    proctored: bool
    lab_instructions: str


AUTHORED_FIELDS: tuple[str, ...] = tuple(AuthoredFields.__annotations__)

AUTHORED_DEFAULTS: AuthoredFields = {
    "max_attempts": 1,
    "time_limit": None,
    "module_id": None,
    "required_for_completion": False,
    "shuffle_questions": False,
    "pool_size": None,
    "opens_at": None,
    "closes_at": None,
    "show_answers_after_submit": False,
    "proctored": False,
    "lab_instructions": "",
}

MAX_TIME_LIMIT = 7 * 24 * 60
MAX_ATTEMPTS = 100
MAX_LAB_INSTRUCTIONS = 10_000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Stands in for a kept flag while the question list is validated; never stored.
_KEPT_FLAG = "kept-flag"


def plain_text(*, value: str) -> str:
    """Lab instructions are plain text: tags and control characters are dropped,
    line breaks kept (as ``\n``); pages escape the text when showing it."""
    text = strip_tags(value.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL_CHARS.sub("", text).strip()


def assessment_settings_check(
    *, course: CoursePage, fields: AuthoredFields
) -> ModulePage | None:
    """Validate an assessment's settings (everything but the questions and the pool
    size) in ``fields``, complete with ``AUTHORED_DEFAULTS``; return its module.
    Raises ``InvalidInput`` naming the field."""
    title = fields["title"]
    assessment_type = fields["assessment_type"]
    opens_at, closes_at = fields["opens_at"], fields["closes_at"]
    proctored = fields["proctored"]
    time_limit = fields["time_limit"]
    max_attempts = fields["max_attempts"]
    lab_instructions = fields["lab_instructions"]
    module_id = fields["module_id"]
    if not isinstance(title, str) or not title.strip() or len(title) > 255:
        raise InvalidInput("Required, at most 255 characters.", field="title")
    if assessment_type not in AssessmentType.values:
        raise InvalidInput("Unknown assessment type.", field="assessment_type")
    if not Decimal("0") <= Decimal(fields["passing_score"]) <= Decimal("100"):
        raise InvalidInput("Must be between 0 and 100.", field="passing_score")
    if not 1 <= max_attempts <= MAX_ATTEMPTS:
        raise InvalidInput(f"Must be 1 to {MAX_ATTEMPTS}.", field="max_attempts")
    if time_limit is not None and not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            f"Must be 1 to {MAX_TIME_LIMIT} minutes.", field="time_limit"
        )
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInput("Must be after opens_at.", field="closes_at")
    if proctored and assessment_type != AssessmentType.EXAM:
        raise InvalidInput("Only exams can be proctored.", field="proctored")
    if proctored and not (opens_at and closes_at):
        raise InvalidInput(
            "A proctored exam needs both opens_at and closes_at.",
            field="closes_at" if opens_at else "opens_at",
        )
    if not isinstance(lab_instructions, str) or (
        len(lab_instructions) > MAX_LAB_INSTRUCTIONS
    ):
        raise InvalidInput(
            f"At most {MAX_LAB_INSTRUCTIONS} characters.", field="lab_instructions"
        )
    module = None
    if module_id is not None:
        module = ModulePage.objects.child_of(course).filter(pk=module_id).first()
        if module is None:
            raise InvalidInput("Not a module of this course.", field="module_id")
    if fields["required_for_completion"] and module is None:
        raise InvalidInput(
            "A required assessment needs the module it completes.", field="module_id"
        )
    return module


def pool_size_check(*, pool_size: int | None, stored: list[dict]) -> None:
    if pool_size is not None and not 1 <= pool_size <= len(stored):
        raise InvalidInput(
            f"Must be 1 to the number of questions ({len(stored)}).", field="pool_size"
        )


def questions_validate_keeping_flags(
    *, raw: object, salt: str, current: Iterable[dict] = ()
) -> list[dict]:
    """``questions_validate`` for an edit: a flag question given without
    ``correct`` (or with an empty one) keeps the flag of the current question with
    the same id, as flags are write-only (only their hash is stored). A new flag
    question still needs its flag."""
    hashes = {
        q["id"]: q["flag_hash"]
        for q in current or ()
        if q.get("type") == FLAG and q.get("flag_hash")
    }
    kept = {}
    prepared = raw
    if isinstance(raw, list):
        prepared = []
        for question in raw:
            if (
                isinstance(question, dict)
                and question.get("type") == FLAG
                and question.get("correct") in (None, "")
                and isinstance(question.get("id"), str)
                and question["id"] in hashes
            ):
                kept[question["id"]] = hashes[question["id"]]
                question = {**question, "correct": _KEPT_FLAG}
            prepared.append(question)
    stored = questions_validate(prepared, salt=salt)
    for question in stored:
        if question["type"] == FLAG and question["id"] in kept:
            question["flag_hash"] = kept[question["id"]]
    return stored
