"""Which questions and options a respondent sees, given his answers so far and his context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from surveys.definitions import SurveyDefinition
from surveys.schema import Condition, Question
from surveys.state import Context

__all__ = [
    "Choice",
    "age_on",
    "choices",
    "condition_holds",
    "visible_answers",
    "visible_questions",
]

# The intake question whose answer gives the age (the database may not know it yet).
BIRTH_DATE = "birth_date"


@dataclass(frozen=True, slots=True)
class Choice:
    """An option as offered now: ``key`` is what is stored, ``token`` what a button carries.

    Fixed options travel as their index (the definition version pins the order); run-time
    options as their id, so a list that changed between showing and pressing cannot make
    a press land on somebody else.
    """

    key: str
    token: str
    label: str
    profile: str = ""


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _age(answers: Mapping[str, Any], ctx: Context) -> int | None:
    """The birth date typed in this survey wins: it is fresher than the stored profile."""
    raw = answers.get(BIRTH_DATE)
    if isinstance(raw, str):
        try:
            return age_on(date.fromisoformat(raw), ctx.today)
        except ValueError:
            pass
    return ctx.age


def _same(answer: Any, value: Any) -> bool:
    # bool is an int in Python; a yes/no answer must not equal the number 1.
    if isinstance(answer, bool) or isinstance(value, bool):
        return isinstance(answer, bool) and isinstance(value, bool) and answer == value
    return str(answer) == str(value)


def _answer_test(cond: Condition, answers: Mapping[str, Any]) -> bool:
    assert cond.question is not None
    if cond.question not in answers:
        return False
    answer = answers[cond.question]
    given = answer if isinstance(answer, list) else [answer]
    overlap = any(_same(item, value) for item in given for value in cond.values())
    return not overlap if cond.not_in is not None else overlap


def condition_holds(cond: Condition, answers: Mapping[str, Any], ctx: Context) -> bool:
    if cond.question is not None:
        return _answer_test(cond, answers)
    if cond.role is not None:
        return ctx.role in cond.role
    if cond.position is not None:
        return ctx.position in cond.position
    if cond.age is not None:
        age = _age(answers, ctx)
        low = cond.age.min if cond.age.min is not None else 0
        high = cond.age.max if cond.age.max is not None else 200
        return age is not None and low <= age <= high
    if cond.all_ is not None:
        return all(condition_holds(child, answers, ctx) for child in cond.all_)
    if cond.any_ is not None:
        return any(condition_holds(child, answers, ctx) for child in cond.any_)
    assert cond.not_ is not None
    return not condition_holds(cond.not_, answers, ctx)


def visible_questions(
    defn: SurveyDefinition, answers: Mapping[str, Any], ctx: Context
) -> list[Question]:
    """The questions shown, in order. Answers of hidden questions do not count, so hiding
    one question also hides whatever depended on it."""
    seen: dict[str, Any] = {}
    shown: list[Question] = []
    for question in defn.questions:
        if question.show_if is None or condition_holds(question.show_if, seen, ctx):
            shown.append(question)
            if question.code in answers:
                seen[question.code] = answers[question.code]
    return shown


def visible_answers(
    defn: SurveyDefinition, answers: Mapping[str, Any], ctx: Context
) -> dict[str, Any]:
    return {
        q.code: answers[q.code] for q in visible_questions(defn, answers, ctx) if q.code in answers
    }


def choices(question: Question, answers: Mapping[str, Any], ctx: Context) -> list[Choice]:
    """The options offered for ``question`` now; ``answers`` should be the visible ones."""
    if question.dynamic_list is not None:
        return [
            Choice(item.id, item.id, item.label, item.profile)
            for item in ctx.dynamic_lists.get(question.dynamic_list, ())
        ]
    return [
        Choice(option.code, str(index), option.label.get(ctx.locale))
        for index, option in enumerate(question.options)
        if option.show_if is None or condition_holds(option.show_if, answers, ctx)
    ]
