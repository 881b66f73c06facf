"""The total in «Вопрос N из M»: the questions that may still be shown given the answers so far.

A question whose condition is not decided yet (it depends on an answer still to come) counts
as shown, so the total can only fall as answers arrive, never jump up. Where the undecided
condition hangs on a choice still to be made (a pupil or a teacher?), the total is that of the
longest path through the choice, not the sum of all paths, so it does not start inflated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.branching import BIRTH_DATE, condition_holds
from surveys.definitions import SurveyDefinition
from surveys.schema import Condition
from surveys.state import Context

__all__ = ["expected_total"]

# How many choices ahead to follow each way; beyond, undecided questions simply count.
_LOOKAHEAD = 2
_BRANCHING_TYPES = ("single", "yesno")


def _maybe(cond: Condition, seen: Mapping[str, Any], open_: set[str], ctx: Context) -> bool | None:
    """The condition with three values: None while it hangs on an answer still to come."""
    if cond.question is not None:
        if cond.question in seen:
            return condition_holds(cond, seen, ctx)
        return None if cond.question in open_ else False
    if cond.age is not None and BIRTH_DATE not in seen and BIRTH_DATE in open_:
        return None
    if cond.all_ is not None:
        parts = [_maybe(child, seen, open_, ctx) for child in cond.all_]
        return False if False in parts else None if None in parts else True
    if cond.any_ is not None:
        parts = [_maybe(child, seen, open_, ctx) for child in cond.any_]
        return True if True in parts else None if None in parts else False
    if cond.not_ is not None:
        inner = _maybe(cond.not_, seen, open_, ctx)
        return None if inner is None else not inner
    return condition_holds(cond, seen, ctx)


def _walk(
    defn: SurveyDefinition, answers: Mapping[str, Any], skipped: frozenset[str], ctx: Context
) -> tuple[int, list[str]]:
    """(questions that may be shown, codes of surely shown questions still to be answered)."""
    seen: dict[str, Any] = {}
    open_: set[str] = set()
    surely_open: list[str] = []
    count = 0
    for question in defn.questions:
        shown = True if question.show_if is None else _maybe(question.show_if, seen, open_, ctx)
        if shown is False:
            continue
        count += 1
        if shown and question.code in answers:
            seen[question.code] = answers[question.code]
        elif question.code not in skipped:
            open_.add(question.code)
            if shown:
                surely_open.append(question.code)
    return count, surely_open


def _branch_point(defn: SurveyDefinition, surely_open: list[str]) -> str | None:
    """The first unanswered choice that some question's condition depends on."""
    referenced = {
        cond.question
        for question in defn.questions
        if question.show_if is not None
        for cond in question.show_if.walk()
        if cond.question is not None
    }
    for code in surely_open:
        if code in referenced and defn.question(code).type in _BRANCHING_TYPES:
            return code
    return None


def _total(
    defn: SurveyDefinition,
    answers: Mapping[str, Any],
    skipped: frozenset[str],
    ctx: Context,
    lookahead: int,
) -> int:
    count, surely_open = _walk(defn, answers, skipped, ctx)
    code = _branch_point(defn, surely_open) if lookahead else None
    if code is None:
        return count
    question = defn.question(code)
    values: list[Any] = (
        [True, False] if question.type == "yesno" else [o.code for o in question.options]
    )
    totals = [_total(defn, {**answers, code: v}, skipped, ctx, lookahead - 1) for v in values]
    if not question.required:
        totals.append(_total(defn, answers, skipped | {code}, ctx, lookahead - 1))
    return max(totals, default=count)


def expected_total(
    defn: SurveyDefinition, answers: Mapping[str, Any], skipped: list[str], ctx: Context
) -> int:
    return _total(defn, answers, frozenset(skipped), ctx, _LOOKAHEAD)
