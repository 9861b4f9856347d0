"""The question schema of API.md: strict validation of authored questions, the
learner-safe view of a question, and flag hashing.

Authoring errors name their path (``questions[2].correct: index out of range``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re

from portal.errors import InvalidInput

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
FLAG = "flag"
ESSAY = "essay"
TYPES = (
    SINGLE_CHOICE,
    MULTIPLE_CHOICE,
    TRUE_FALSE,
    SHORT_ANSWER,
    NUMERIC,
    FLAG,
    ESSAY,
)
CHOICE_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE)

MAX_QUESTIONS = 200
MAX_CHOICES = 26
MAX_PROMPT = 5000
MAX_TEXT = 500
MAX_POINTS = 1000
MAX_ABS_NUMBER = 1e15
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

COMMON_KEYS = {"id", "type", "prompt", "points"}
TYPE_KEYS = {
    SINGLE_CHOICE: {"choices", "correct"},
    MULTIPLE_CHOICE: {"choices", "correct"},
    TRUE_FALSE: {"correct"},
    SHORT_ANSWER: {"correct"},
    NUMERIC: {"correct", "tolerance"},
    FLAG: {"correct"},
    ESSAY: set(),
}
# What a learner may see of a question: everything else (correct, tolerance,
# flag_hash) is a secret.
PUBLIC_KEYS = ("id", "type", "prompt", "points", "choices")


def flag_hash(salt: str, flag: str) -> str:
    return hmac.new(salt.encode(), flag.encode(), hashlib.sha256).hexdigest()


def flag_matches(salt: str, stored_hash: str, answer: str) -> bool:
    return hmac.compare_digest(flag_hash(salt, answer), stored_hash)


def public_question(question: dict) -> dict:
    return {key: question[key] for key in PUBLIC_KEYS if key in question}


def is_number(value) -> bool:
    """A finite JSON number of sane size (huge ints would not fit a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return abs(value) <= MAX_ABS_NUMBER


def _is_index(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, limit: int) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= limit


class _Errors:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))


def _validate_choices(q: dict, path: str, errors: _Errors) -> int | None:
    choices = q.get("choices")
    if not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES:
        errors.add(f"{path}.choices", f"must be a list of 2 to {MAX_CHOICES} choices")
        return None
    for i, choice in enumerate(choices):
        if not _text(choice, MAX_TEXT):
            errors.add(
                f"{path}.choices[{i}]", f"must be non-empty text (max {MAX_TEXT})"
            )
    return len(choices)


def _validate_correct(q: dict, qtype: str, path: str, errors: _Errors, salt: str):
    """Check ``correct`` (and ``tolerance``) for the type; return the stored form."""
    where = f"{path}.correct"
    correct = q.get("correct")
    if qtype == ESSAY:
        return {}
    if "correct" not in q:
        errors.add(where, "required")
        return {}
    if qtype in CHOICE_TYPES:
        count = _validate_choices(q, path, errors)
        if qtype == SINGLE_CHOICE:
            if not _is_index(correct):
                errors.add(where, "must be the index of the correct choice")
            elif count is not None and not 0 <= correct < count:
                errors.add(where, "index out of range")
            return {"choices": q.get("choices"), "correct": correct}
        if (
            not isinstance(correct, list)
            or not correct
            or not all(_is_index(i) for i in correct)
        ):
            errors.add(where, "must be a non-empty list of choice indexes")
        elif len(set(correct)) != len(correct):
            errors.add(where, "duplicate index")
        elif count is not None and not all(0 <= i < count for i in correct):
            errors.add(where, "index out of range")
        else:
            correct = sorted(correct)
        return {"choices": q.get("choices"), "correct": correct}
    if qtype == TRUE_FALSE:
        if not isinstance(correct, bool):
            errors.add(where, "must be true or false")
        return {"correct": correct}
    if qtype == SHORT_ANSWER:
        if (
            not isinstance(correct, list)
            or not correct
            or not all(_text(a, MAX_TEXT) for a in correct)
        ):
            errors.add(where, "must be a non-empty list of accepted answers")
        return {"correct": correct}
    if qtype == NUMERIC:
        tolerance = q.get("tolerance", 0)
        if not is_number(correct):
            errors.add(where, "must be a number")
        if not is_number(tolerance) or tolerance < 0:
            errors.add(f"{path}.tolerance", "must be a number >= 0")
        return {"correct": correct, "tolerance": tolerance}
    # FLAG: the plaintext never reaches the database.
    if not _text(correct, MAX_TEXT):
        errors.add(where, f"must be the flag text (max {MAX_TEXT})")
        return {}
    return {"flag_hash": flag_hash(salt, correct)}


def _validate_one(q, path: str, seen: set, errors: _Errors, salt: str) -> dict:
    if not isinstance(q, dict):
        errors.add(path, "must be an object")
        return {}
    qid = q.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        errors.add(f"{path}.id", "required: 1-64 letters, digits, '-' or '_'")
    elif qid in seen:
        errors.add(f"{path}.id", f"duplicate id {qid!r}")
    else:
        seen.add(qid)
    qtype = q.get("type")
    if qtype not in TYPES:
        errors.add(f"{path}.type", "must be one of " + ", ".join(TYPES))
        return {}
    if not _text(q.get("prompt"), MAX_PROMPT):
        errors.add(f"{path}.prompt", "required (non-empty text)")
    points = q.get("points", 1)
    if not is_number(points) or not 0 < points <= MAX_POINTS:
        errors.add(f"{path}.points", f"must be a number > 0 and <= {MAX_POINTS}")
    for key in sorted(set(q) - COMMON_KEYS - TYPE_KEYS[qtype]):
        errors.add(f"{path}.{key}", f"unknown field for type {qtype}")
    stored = {
        "id": qid,
        "type": qtype,
        "prompt": q.get("prompt"),
        "points": points,
    }
    stored.update(_validate_correct(q, qtype, path, errors, salt))
    return stored


def questions_validate(raw, *, salt: str) -> list[dict]:
    """Validate authored questions and return them in stored form (defaults filled
    in, flags replaced by their salted hash). Raises ``InvalidInput`` listing every
    error as ``path: message``; ``field`` names the first path."""
    errors = _Errors()
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_QUESTIONS:
        errors.add("questions", f"must be a list of 1 to {MAX_QUESTIONS} questions")
        stored = []
    else:
        seen: set[str] = set()
        stored = [
            _validate_one(q, f"questions[{i}]", seen, errors, salt)
            for i, q in enumerate(raw)
        ]
    if errors.items:
        message = "; ".join(f"{path}: {msg}" for path, msg in errors.items[:20])
        raise InvalidInput(message, field=errors.items[0][0])
    return stored
