"""Questionnaires queued one after another: submitting one offers the next in the same turn."""

from __future__ import annotations

from collections.abc import Callable

from storage import surveys
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member, make_school
from tests.survey_driver import answer_survey, current_cursor

NewUser = Callable[..., ChatUser]


async def test_the_next_questionnaire_is_offered_once_one_is_submitted(
    db: Database, new_user: NewUser
) -> None:
    nina = new_user("Нина")
    person = await make_member(db, nina.user.id, "Нина Соколова", await make_school(db), "mentee")
    async with db.begin() as conn:
        await surveys.assign(conn, person, "satisfaction_mentee")
        await surveys.assign(conn, person, "satisfaction_mentee", subject_type="wave", subject_id=2)

    await nina.send("/survey")
    await answer_survey(nina, db, nina.user.id)

    offer = nina.replies[-1]
    assert offer.text and "Вас ждёт ещё одна анкета" in offer.text
    assert await current_cursor(db, nina.user.id) is None, "offered, not started"
    await nina.press(offer, "Начать")
    started = await current_cursor(db, nina.user.id)
    assert started is not None and started[0] == "satisfaction_mentee"


async def test_nothing_is_offered_when_nothing_else_waits(db: Database, new_user: NewUser) -> None:
    oleg = new_user("Олег")
    person = await make_member(db, oleg.user.id, "Олег Ветров", await make_school(db), "mentee")
    async with db.begin() as conn:
        await surveys.assign(conn, person, "satisfaction_mentee")

    await oleg.send("/survey")
    await answer_survey(oleg, db, oleg.user.id)

    assert not any(m.text and "Вас ждёт ещё одна анкета" in m.text for m in oleg.replies)
