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


def exact_decimal(number) -> Decimal:
    """``number`` as a Decimal, through str so that 0.1 is 0.1 (tolerance edges and
    points must be exact)."""
    return Decimal(str(number))


def question_points(question: dict) -> Decimal:
    """What a question is worth: its authored ``points``, 1 by default."""
    return exact_decimal(question.get("points", 1))


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
        right = abs(
            exact_decimal(answer) - exact_decimal(question["correct"])
        ) <= exact_decimal(question.get("tolerance", 0))
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

    An essay counts as 0 until graded by hand (``essay_result``); the score is
    ``attempt_score``'s.
    """
    results = {}
    pending = False
    for qid in order:
        question = answer_key[qid]
        points = question_points(question)
        outcome = answer_grade(question, answers.get(qid), salt=salt)
        awarded = points if outcome == CORRECT else Decimal("0")
        pending = pending or outcome == PENDING
        results[qid] = {
            "outcome": outcome,
            "points_awarded": float(awarded),
            "points": float(points),
        }
    return Grade(
        score=attempt_score(answer_key=answer_key, order=order, results=results),
        pending=pending,
        results=results,
    )


def essay_result(question: dict, *, points: Decimal, feedback: str) -> dict:
    """The result of an essay graded by hand with ``points`` (0 to the question's
    points): correct with all of them, incorrect with none, partial in between."""
    maximum = question_points(question)
    if points == maximum:
        outcome = CORRECT
    elif points == 0:
        outcome = INCORRECT
    else:
        outcome = PARTIAL
    return {
        "outcome": outcome,
        "points_awarded": float(points),
        "points": float(maximum),
        "feedback": feedback,
    }


def attempt_score(*, answer_key: dict, order: list[str], results: dict) -> Decimal:
    """The one scoring rule, for automatic and manual grading alike: points awarded
    in ``results`` over the points of the served questions (``order``) * 100, to two
    places (0 when nothing is worth points). A question without a result counts 0.
    """
    earned = total = Decimal("0")
    for qid in order:
        earned += exact_decimal(results.get(qid, {}).get("points_awarded", 0))
        total += question_points(answer_key[qid])
    score = (earned * HUNDRED / total) if total else Decimal("0")
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_passes(*, score: Decimal, passing_score: Decimal) -> bool:
    """Whether a fully graded attempt's ``score`` passes: at least the assessment's
    ``passing_score``. Automatic and manual grading both decide through here."""
    return score >= passing_score


def correct_answer(question: dict):
    """The answer to reveal in review, or None (flags and essays: never)."""
    if question["type"] in (q.FLAG, q.ESSAY):
        return None
    if question["type"] == q.NUMERIC:
        return {"value": question["correct"], "tolerance": question.get("tolerance", 0)}
    return question.get("correct")
