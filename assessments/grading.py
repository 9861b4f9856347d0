"""Grading: pure functions from a stored question and a learner's answer to an
outcome. No database access here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import questions as q

CORRECT = "correct"
INCORRECT = "incorrect"
PENDING = "pending"
# A hand-graded essay awarded some, but not all, of its points.
PARTIAL = "partial"
MAX_ANSWER_TEXT = 20_000
HUNDRED = Decimal("100")


class AnswerTypeError(ValueError):
    """The answer has the wrong shape for its question (a 400, not a wrong answer)."""


def _dec(number) -> Decimal:
    # Through str so that 0.1 is 0.1: tolerance edges must be exact.
    return Decimal(str(number))


def answer_check(question: dict, answer) -> None:
    """Raise ``AnswerTypeError`` if ``answer`` cannot be an answer to ``question``."""
    qtype = question["type"]
    if qtype == q.SINGLE_CHOICE:
        if not (q._is_index(answer) and 0 <= answer < len(question["choices"])):
            raise AnswerTypeError("must be the index of one choice")
    elif qtype == q.MULTIPLE_CHOICE:
        count = len(question["choices"])
        if not isinstance(answer, list) or not all(
            q._is_index(i) and 0 <= i < count for i in answer
        ):
            raise AnswerTypeError("must be a list of choice indexes")
        if len(set(answer)) != len(answer):
            raise AnswerTypeError("duplicate index")
    elif qtype == q.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise AnswerTypeError("must be true or false")
    elif qtype == q.NUMERIC:
        if not q.is_number(answer):
            raise AnswerTypeError("must be a number")
    elif qtype in (q.SHORT_ANSWER, q.FLAG):
        if not isinstance(answer, str) or len(answer) > q.MAX_TEXT:
            raise AnswerTypeError(f"must be text (max {q.MAX_TEXT} characters)")
    elif qtype == q.ESSAY and (
        not isinstance(answer, str) or len(answer) > MAX_ANSWER_TEXT
    ):
        raise AnswerTypeError(f"must be text (max {MAX_ANSWER_TEXT} characters)")


def _normalize(text: str) -> str:
    return text.strip().casefold()


def answer_grade(question: dict, answer, *, salt: str) -> str:
    """The outcome of one checked answer (``None``: not answered)."""
    qtype = question["type"]
    if answer is None:
        return INCORRECT
    if qtype == q.ESSAY:
        return PENDING
    if qtype in (q.SINGLE_CHOICE, q.TRUE_FALSE):
        right = answer == question["correct"] and type(answer) is type(
            question["correct"]
        )
    elif qtype == q.MULTIPLE_CHOICE:
        right = set(answer) == set(question["correct"])
    elif qtype == q.SHORT_ANSWER:
        right = _normalize(answer) in {_normalize(a) for a in question["correct"]}
    elif qtype == q.NUMERIC:
        right = abs(_dec(answer) - _dec(question["correct"])) <= _dec(
            question.get("tolerance", 0)
        )
    elif qtype == q.FLAG:
        right = q.flag_matches(salt, question["flag_hash"], answer)
    else:  # pragma: no cover - validated at authoring
        right = False
    return CORRECT if right else INCORRECT


@dataclass(frozen=True)
class Grade:
    score: Decimal
    pending: bool
    results: dict


def attempt_grade(answer_key: dict, order: list[str], answers: dict, *, salt) -> Grade:
    """Grade every served question (``order``) against ``answer_key``.

    Score = points earned / total points * 100; an essay counts as 0 until graded.
    """
    results = {}
    earned = total = Decimal("0")
    pending = False
    for qid in order:
        question = answer_key[qid]
        points = _dec(question.get("points", 1))
        outcome = answer_grade(question, answers.get(qid), salt=salt)
        awarded = points if outcome == CORRECT else Decimal("0")
        pending = pending or outcome == PENDING
        earned += awarded
        total += points
        results[qid] = {
            "outcome": outcome,
            "points_awarded": float(awarded),
            "points": float(points),
        }
    score = (earned * HUNDRED / total) if total else Decimal("0")
    return Grade(
        score=score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        pending=pending,
        results=results,
    )


def correct_answer(question: dict):
    """The answer to reveal in review, or None (flags and essays: never)."""
    if question["type"] in (q.FLAG, q.ESSAY):
        return None
    if question["type"] == q.NUMERIC:
        return {"value": question["correct"], "tolerance": question.get("tolerance", 0)}
    return question.get("correct")
