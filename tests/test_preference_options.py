"""The preference questionnaire offers a pupil only the mentors who could take him, by the
same hard rules (forms, ages) the matching applies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.survey_driver import answer_survey
from tests.test_curator_surveys import invitations, register, start_data

NewUser = Callable[..., ChatUser]


async def test_a_student_is_not_offered_a_teacher_who_mentors_teachers(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    mentor_code = await make_invite(db, school, "mentor", max_uses=5)
    mentee_code = await make_invite(db, school, "mentee", max_uses=5)
    olga, ivan, petya = new_user("Ольга"), new_user("Иван"), new_user("Петя")
    for user, code, name, position in (
        (olga, mentor_code, "Смирнова Ольга", "Студент колледжа или вуза"),
        (ivan, mentor_code, "Иванов Иван", "Педагог"),
        (petya, mentee_code, "Петров Пётр", "Студент колледжа или вуза"),
    ):
        await register(user, code, name)
        await answer_survey(user, db, user.user.id, {"position": position})

    await curator.send("/group_meeting")
    await curator.send(date.today().strftime("%d.%m.%Y"))
    for label in (
        "Смирнова Ольга · наставник",
        "Иванов Иван · наставник",
        "Петров Пётр · наставляемый",
    ):
        await curator.tap(label)
    await curator.tap("Готово ✔")

    invite = next(
        i
        for i in await invitations(db)
        if i["chat_id"] == petya.user.id and "Выбор наставника" in str(i["payload"])
    )
    await petya.press_data((await petya.send("/help"))[-1], start_data(invite))
    question = petya.last().text
    buttons = [b.text for row in petya.last().reply_markup.inline_keyboard for b in row]
    assert "Смирнова Ольга" in question, question
    assert "Иванов Иван" not in question and not any("Иванов" in b for b in buttons), question

    # Ivan, a teacher, is offered no student to take either.
    mentor_invite = next(
        i
        for i in await invitations(db)
        if i["chat_id"] == ivan.user.id and "Выбор наставляемых" in str(i["payload"])
    )
    await ivan.press_data((await ivan.send("/help"))[-1], start_data(mentor_invite))
    assert "Петров Пётр" not in ivan.last().text
