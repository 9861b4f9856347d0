"""Grading of every question type, right and wrong (pure functions)."""

import pytest

from assessments import grading
from assessments.questions import flag_hash, questions_validate

SALT = "pepper"


def stored(**question):
    question.setdefault("id", "q")
    question.setdefault("prompt", "?")
    return questions_validate([question], salt=SALT)[0]


def grade(question, answer):
    grading.answer_check(question, answer)
    return grading.answer_grade(question, answer, salt=SALT)


class TestChoiceQuestions:
    def test_single_choice(self):
        q = stored(type="single_choice", choices=["a", "b"], correct=1)
        assert grade(q, 1) == grading.CORRECT
        assert grade(q, 0) == grading.INCORRECT

    def test_multiple_choice_is_all_or_nothing_and_order_free(self):
        q = stored(type="multiple_choice", choices=["a", "b", "c"], correct=[0, 2])
        assert grade(q, [2, 0]) == grading.CORRECT
        assert grade(q, [0]) == grading.INCORRECT
        assert grade(q, [0, 1, 2]) == grading.INCORRECT
        assert grade(q, []) == grading.INCORRECT

    def test_true_false(self):
        q = stored(type="true_false", correct=True)
        assert grade(q, True) == grading.CORRECT
        assert grade(q, False) == grading.INCORRECT


class TestTextQuestions:
    def test_short_answer_ignores_case_and_surrounding_space(self):
        q = stored(type="short_answer", correct=["Port Scan", "nmap"])
        assert grade(q, "  port scan\n") == grading.CORRECT
        assert grade(q, "NMAP") == grading.CORRECT
        assert grade(q, "portscan") == grading.INCORRECT
        assert grade(q, "port  scan") == grading.INCORRECT

    def test_flag_exact_match_against_salted_hash(self):
        q = stored(type="flag", correct="FLAG{abc}")
        assert "correct" not in q
        assert q["flag_hash"] == flag_hash(SALT, "FLAG{abc}")
        assert "FLAG{abc}" not in str(q)
        assert grade(q, "FLAG{abc}") == grading.CORRECT
        assert grade(q, "flag{abc}") == grading.INCORRECT
        assert grade(q, "FLAG{abc} ") == grading.INCORRECT

    def test_essay_is_pending(self):
        q = stored(type="essay")
        assert grade(q, "A long answer.") == grading.PENDING


class TestNumeric:
    @pytest.mark.parametrize(
        ("answer", "outcome"),
        [
            (3.14, grading.CORRECT),
            (3.13, grading.CORRECT),  # lower edge, exact despite float binary noise
            (3.15, grading.CORRECT),  # upper edge
            (3.1500001, grading.INCORRECT),
            (3.12, grading.INCORRECT),
        ],
    )
    def test_tolerance_edges(self, answer, outcome):
        q = stored(type="numeric", correct=3.14, tolerance=0.01)
        assert grade(q, answer) == outcome

    def test_zero_tolerance_by_default(self):
        q = stored(type="numeric", correct=42)
        assert grade(q, 42) == grading.CORRECT
        assert grade(q, 42.0) == grading.CORRECT
        assert grade(q, 42.001) == grading.INCORRECT


class TestAnswerTypes:
    @pytest.mark.parametrize(
        ("question", "answer"),
        [
            ({"type": "single_choice", "choices": ["a", "b"], "correct": 0}, "0"),
            ({"type": "single_choice", "choices": ["a", "b"], "correct": 0}, 5),
            ({"type": "single_choice", "choices": ["a", "b"], "correct": 0}, True),
            ({"type": "multiple_choice", "choices": ["a", "b"], "correct": [0]}, 0),
            (
                {"type": "multiple_choice", "choices": ["a", "b"], "correct": [0]},
                [0, 0],
            ),
            ({"type": "true_false", "correct": True}, "true"),
            ({"type": "numeric", "correct": 1}, "1"),
            ({"type": "numeric", "correct": 1}, float("nan")),
            ({"type": "numeric", "correct": 1}, 10**400),
            ({"type": "short_answer", "correct": ["x"]}, 1),
            ({"type": "flag", "correct": "F"}, ["F"]),
            ({"type": "essay"}, {"text": "x"}),
        ],
    )
    def test_wrong_type_is_rejected(self, question, answer):
        with pytest.raises(grading.AnswerTypeError):
            grading.answer_check(stored(**question), answer)


class TestScore:
    def test_score_is_points_earned_over_total(self):
        key = {
            "a": stored(id="a", type="true_false", correct=True, points=1),
            "b": stored(id="b", type="true_false", correct=True, points=3),
        }
        result = grading.attempt_grade(key, ["a", "b"], {"b": True}, salt=SALT)
        assert str(result.score) == "75.00"
        assert not result.pending
        assert result.results["a"]["outcome"] == grading.INCORRECT  # unanswered

    def test_hand_graded_essay_scores_through_the_same_rule(self):
        key = {
            "a": stored(id="a", type="true_false", correct=True, points=1),
            "e": stored(id="e", type="essay", points=4),
        }
        automatic = grading.attempt_grade(key, ["a", "e"], {"a": True}, salt=SALT)
        assert str(automatic.score) == "20.00"  # the essay counts 0 until graded
        results = dict(automatic.results)
        results["e"] = grading.essay_result(
            key["e"], points=grading.exact_decimal(2.5), feedback="Good."
        )
        score = grading.attempt_score(answer_key=key, order=["a", "e"], results=results)
        assert str(score) == "70.00"
        assert results["e"] == {
            "outcome": grading.PARTIAL,
            "points_awarded": 2.5,
            "points": 4.0,
            "feedback": "Good.",
        }

    @pytest.mark.parametrize(
        ("points", "outcome"),
        [(0, grading.INCORRECT), (1, grading.PARTIAL), (2, grading.CORRECT)],
    )
    def test_essay_outcome_follows_the_points(self, points, outcome):
        essay = stored(type="essay", points=2)
        result = grading.essay_result(
            essay, points=grading.exact_decimal(points), feedback=""
        )
        assert result["outcome"] == outcome

    def test_nothing_worth_points_scores_zero(self):
        key = {"a": {"id": "a", "type": "true_false", "points": 0}}
        score = grading.attempt_score(
            answer_key=key, order=["a"], results={"a": {"points_awarded": 0}}
        )
        assert str(score) == "0.00"
