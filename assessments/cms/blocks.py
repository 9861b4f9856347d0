"""The question editor of the Wagtail admin: one StructBlock per question type, and
the conversion between the editor's stream and the question JSON of API.md.

The blocks only shape the input; the rules are those of the API
(``assessments.questions.questions_validate``), whose errors are mapped back onto
the blocks (``questions[2].correct: index out of range`` marks the "correct" field of
the third question).

Nobody types ids or index numbers: a question's id is generated when it is first
saved and then carried along in a hidden field (results and kept flags follow it),
and the correct choices are ticked next to their text.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .. import questions as q

KEEP_FLAG_HELP = _("Leave empty to keep the current flag.")


class QuestionIdBlock(blocks.FieldBlock):
    """The question's id, never typed: empty for a new question (one is generated
    on save, ``questions_from_stream``), then kept in a hidden input."""

    def __init__(self, **kwargs):
        self.field = forms.CharField(
            required=False, max_length=64, widget=forms.HiddenInput
        )
        super().__init__(**kwargs)


class QuestionBlock(blocks.StructBlock):
    """Fields every question has."""

    id = QuestionIdBlock(label=_("Question id"))
    prompt = blocks.TextBlock(max_length=q.MAX_PROMPT, label=_("Question"))
    points = blocks.FloatBlock(
        default=1, min_value=0, max_value=q.MAX_POINTS, label=_("Points")
    )

    class Meta:
        form_classname = "struct-block assessment-question"


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=q.MAX_TEXT, label=_("Choice"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct"))

    class Meta:
        form_classname = "struct-block assessment-choice"


def _choices(help_text) -> blocks.ListBlock:
    return blocks.ListBlock(
        ChoiceBlock(),
        min_num=2,
        max_num=q.MAX_CHOICES,
        label=_("Choices"),
        help_text=help_text,
    )


class SingleChoiceBlock(QuestionBlock):
    choices = _choices(_("Tick the one correct choice."))

    class Meta:
        label = _("Single choice")
        icon = "radio-full"


class MultipleChoiceBlock(QuestionBlock):
    choices = _choices(
        _(
            "Tick every correct choice: all of them, and no other, must be picked "
            "to score."
        )
    )

    class Meta:
        label = _("Multiple choice")
        icon = "tasks"


class TrueFalseBlock(QuestionBlock):
    correct = blocks.BooleanBlock(
        required=False,
        label=_("The statement is true"),
        help_text=_("Tick if the right answer is “true”."),
    )

    class Meta:
        label = _("True or false")
        icon = "tick"


class ShortAnswerBlock(QuestionBlock):
    correct = blocks.ListBlock(
        blocks.CharBlock(max_length=q.MAX_TEXT, label=_("Accepted answer")),
        min_num=1,
        label=_("Accepted answers"),
        help_text=_("Compared ignoring case and surrounding spaces."),
    )

    class Meta:
        label = _("Short answer")
        icon = "pilcrow"


class NumericBlock(QuestionBlock):
    correct = blocks.FloatBlock(label=_("Correct value"))
    tolerance = blocks.FloatBlock(
        required=False,
        min_value=0,
        default=0,
        label=_("Tolerance"),
        help_text=_("Answers within ± this much count as correct."),
    )

    class Meta:
        label = _("Number")
        icon = "order"


class FlagBlock(QuestionBlock):
    # Write-only: the stored form is a salted hash, so editing shows it empty.
    correct = blocks.CharBlock(
        required=False,
        max_length=q.MAX_TEXT,
        label=_("Flag"),
        help_text=_(
            "The exact text learners find in the lab. Stored only as a hash. "
            "Leave empty to keep the current flag."
        ),
    )

    class Meta:
        label = _("Lab flag")
        icon = "key"


class EssayBlock(QuestionBlock):
    class Meta:
        label = _("Essay (graded by hand)")
        icon = "doc-full"


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    short_answer = ShortAnswerBlock()
    numeric = NumericBlock()
    flag = FlagBlock()
    essay = EssayBlock()

    class Meta:
        min_num = 1
        max_num = q.MAX_QUESTIONS


# --- Stream <-> question JSON -------------------------------------------------------


def _number(value):
    """JSON numbers as authored: 2.0 is stored as 2."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _new_id(taken: set[str]) -> str:
    while True:
        candidate = f"q-{secrets.token_hex(4)}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def questions_from_stream(stream) -> list[dict]:
    """The API's question JSON for the editor's stream value (unvalidated). A new
    question gets a generated id; ticked choices become the ``correct`` index (or
    indexes); a single choice without exactly one tick has none (and is refused)."""
    taken = {(child.value.get("id") or "").strip() for child in stream}
    result = []
    for child in stream:
        value = child.value
        question = {
            "id": (value.get("id") or "").strip() or _new_id(taken),
            "type": child.block_type,
            "prompt": value.get("prompt") or "",
            "points": _number(value.get("points")),
        }
        if question["points"] is None:
            del question["points"]  # the schema's default: 1
        qtype = child.block_type
        correct = value.get("correct")
        if qtype in q.CHOICE_TYPES:
            choices = list(value.get("choices") or [])
            question["choices"] = [choice.get("text") or "" for choice in choices]
            ticked = [i for i, choice in enumerate(choices) if choice.get("correct")]
        if qtype == q.SINGLE_CHOICE:
            if len(ticked) == 1:
                question["correct"] = ticked[0]
        elif qtype == q.MULTIPLE_CHOICE:
            question["correct"] = ticked
        elif qtype == q.TRUE_FALSE:
            question["correct"] = bool(correct)
        elif qtype == q.SHORT_ANSWER:
            question["correct"] = list(correct or [])
        elif qtype == q.NUMERIC:
            if correct is not None:
                question["correct"] = _number(correct)
            tolerance = value.get("tolerance")
            question["tolerance"] = 0 if tolerance is None else _number(tolerance)
        elif qtype == q.FLAG and correct:
            question["correct"] = correct
        result.append(question)
    return result


def stream_data_from_questions(questions: list[dict]) -> list[dict]:
    """The raw stream data (``[{"type", "value"}]``) for stored questions. Flags
    come back empty: only their hash is stored."""
    data = []
    for question in questions:
        qtype = question.get("type")
        if qtype not in q.TYPES:
            continue
        value = {
            "id": question.get("id", ""),
            "prompt": question.get("prompt", ""),
            "points": question.get("points", 1),
        }
        correct = question.get("correct")
        if qtype in q.CHOICE_TYPES:
            right = (
                set(correct)
                if isinstance(correct, list)
                else {correct}
                if isinstance(correct, int) and not isinstance(correct, bool)
                else set()
            )
            value["choices"] = [
                {"text": text, "correct": i in right}
                for i, text in enumerate(question.get("choices") or [])
            ]
        if qtype == q.TRUE_FALSE:
            value["correct"] = bool(correct)
        elif qtype == q.SHORT_ANSWER:
            value["correct"] = list(correct or [])
        elif qtype == q.NUMERIC:
            value["correct"] = correct
            value["tolerance"] = question.get("tolerance", 0)
        elif qtype == q.FLAG:
            value["correct"] = ""
        data.append({"type": qtype, "value": value})
    return data


def stream_from_questions(block: QuestionStreamBlock, questions: list[dict]):
    return block.to_python(stream_data_from_questions(questions))


# --- Validation errors onto blocks ---------------------------------------------------

_ERROR = re.compile(
    r"^questions\[(?P<index>\d+)\]"
    r"(?:\.(?P<field>[A-Za-z_]+)(?:\[(?P<item>\d+)\])?)?: (?P<message>.*)$",
    re.DOTALL,
)


def _split(message: str) -> list[str]:
    # questions_validate joins "path: message" items with "; ".
    return [part for part in re.split(r"; (?=questions[\[:])", message) if part]


def stream_validation_error(message: str, stream) -> StreamBlockValidationError:
    """Map a ``questions_validate`` message onto the editor's blocks: each
    ``questions[i].field: message`` marks that field of the i-th block (a choice
    in a list marks that item); anything else is a message on the whole stream."""
    children = list(stream)
    per_block: dict[int, dict[str, list]] = {}
    on_block: dict[int, list[str]] = {}
    general: list[str] = []
    for part in _split(message):
        match = _ERROR.match(part)
        if match is None or int(match["index"]) >= len(children):
            general.append(part)
            continue
        index = int(match["index"])
        child = children[index]
        field, item, text = match["field"], match["item"], match["message"]
        if field == "correct" and "correct" not in child.block.child_blocks:
            # Choice questions have their answer in the ticks next to the choices.
            field, item = "choices", None
            text = (
                _("Tick exactly one correct choice.")
                if child.block_type == q.SINGLE_CHOICE
                else _("Tick at least one correct choice.")
            )
        if field and field in child.block.child_blocks:
            if item is not None:
                item_error = ValidationError(text)
                list_child = getattr(
                    child.block.child_blocks[field], "child_block", None
                )
                if isinstance(list_child, blocks.StructBlock):
                    item_error = StructBlockValidationError(
                        block_errors={"text": item_error}
                    )
                text_error = ListBlockValidationError(
                    block_errors={int(item): item_error}
                )
            elif isinstance(child.block.child_blocks[field], blocks.ListBlock):
                text_error = ListBlockValidationError(non_block_errors=[text])
            else:
                text_error = ValidationError(text)
            per_block.setdefault(index, {}).setdefault(field, []).append(text_error)
        else:
            label = f"{field}: {text}" if field else text
            on_block.setdefault(index, []).append(label)
    block_errors = {}
    for index in set(per_block) | set(on_block):
        fields = {name: errors[0] for name, errors in per_block.get(index, {}).items()}
        block_errors[index] = StructBlockValidationError(
            block_errors=fields or None, non_block_errors=on_block.get(index)
        )
    return StreamBlockValidationError(
        block_errors=block_errors or None, non_block_errors=general or None
    )
