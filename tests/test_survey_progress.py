"""«Вопрос N из M»: the total counts the questions still possible given the answers so far,
so it may fall as branches are decided but never jumps up."""

from __future__ import annotations

import re
from typing import Any

from surveys.definitions import SurveyDefinition, load_definitions
from surveys.engine import ResponseState, render
from tests.survey_session import PUPIL_ANSWERS, RU, Session, context, tour

PROGRESS = re.compile(r"Вопрос (\d+) из (\d+)")


def totals_along(session: Session, stop: str) -> list[int]:
    seen = []
    while session.at != stop:
        match = PROGRESS.search(session.text)
        assert match, session.text
        seen.append(int(match.group(2)))
        for how, what in PUPIL_ANSWERS[session.at]:
            session.tap(what) if how == "tap" else session.send(what)
    return seen


def test_total_is_known_before_the_branch_is_decided() -> None:
    s = Session(tour())
    assert "Вопрос 1 из 11" in s.text, "a pupil will see 11 questions; so will a teacher"
    s.tap("Ученик")
    assert "Вопрос 2 из 11" in s.text


def test_total_never_rises_while_answering() -> None:
    totals = totals_along(Session(tour()), "summary")
    assert totals == sorted(totals, reverse=True), totals
    assert totals[-1] == len(totals), "the last total is the number of questions asked"


def test_real_intake_total_does_not_jump_after_the_position() -> None:
    defn = load_definitions().get("intake_mentee")
    ctx = context(dynamic_lists={})
    position = defn.questions[0]
    first = PROGRESS.search(render(defn, _at(defn, {}, position.code), ctx, RU).text)
    assert first
    after = []
    for option in position.options:
        answers = {position.code: option.code}
        nxt = defn.questions[1].code
        view = render(defn, _at(defn, answers, nxt), ctx, RU)
        match = PROGRESS.search(view.text)
        if match:
            after.append(int(match.group(2)))
    assert after and max(after) <= int(first.group(2)), (first.group(0), after)


def _at(defn: SurveyDefinition, answers: dict[str, Any], cursor: str) -> ResponseState:
    state = ResponseState(defn.code, defn.version)
    state.answers = dict(answers)
    state.cursor = cursor
    return state
