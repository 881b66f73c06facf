"""A button left from a form the curator abandoned for another one says that form has ended
and changes nothing; the form in progress carries on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from aiogram.types import Message
from sqlalchemy import func, select

from storage.db import Database
from storage.schema import group_meetings, meetings, survey_waves
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_member, make_school

NewUser = Callable[..., ChatUser]
ENDED = "Эта форма уже закрыта"


async def curator_with_a_pair(db: Database, new_user: NewUser) -> ChatUser:
    school = await make_school(db)
    curator = new_user("Елена")
    await make_member(db, curator.user.id, "Кураторова Елена", school, "curator")
    mentor = await make_member(db, 91001, "Смирнова Ольга", school, "mentor")
    mentee = await make_member(db, 91002, "Аннова Анна", school, "mentee")
    await make_approved_pair(db, school, mentor, mentee)
    return curator


async def count(db: Database, table: object) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar())  # type: ignore[arg-type]


async def press_expecting_alert(user: ChatUser, message: Message, label: str) -> None:
    sent_before = len(user.session.sent)
    assert await user.press(message, label) == []
    answer = user.callback_answers()[-1]
    assert ENDED in str(answer.get("text")) and answer.get("show_alert") is True, answer
    assert len(user.session.sent) == sent_before  # nothing posted, nothing edited away


async def test_meeting_type_button_after_survey_wave_says_the_form_has_ended(
    db: Database, new_user: NewUser
) -> None:
    curator = await curator_with_a_pair(db, new_user)
    await curator.send("/meeting")
    await curator.tap((await curator.buttons())[0])
    kinds = curator.keyboard_message("регулярная встреча")
    await curator.send("/survey_wave")
    await press_expecting_alert(curator, kinds, "регулярная встреча")
    assert "/meeting" in str(curator.callback_answers()[-1]["text"])

    # The wave form goes on as if the old button had never been pressed.
    await curator.tap("Итоги программы: взгляд наставляемого")
    assert "До какого числа" in curator.last().text
    await curator.send((date.today() + timedelta(days=7)).strftime("%d.%m.%Y"))
    assert await count(db, survey_waves) == 1 and await count(db, meetings) == 0


async def test_survey_button_after_group_meeting_launches_nothing(
    db: Database, new_user: NewUser
) -> None:
    curator = await curator_with_a_pair(db, new_user)
    await curator.send("/survey_wave")
    surveys = curator.keyboard_message("Итоги программы: взгляд наставляемого")
    await curator.send("/group_meeting")
    await press_expecting_alert(curator, surveys, "Итоги программы: взгляд наставляемого")
    assert "/survey_wave" in str(curator.callback_answers()[-1]["text"])

    # A date typed now is the group meeting's, not a deadline for the abandoned wave.
    await curator.send(date.today().strftime("%d.%m.%Y"))
    assert "кто был на встрече" in curator.last().text
    assert await count(db, survey_waves) == 0


async def test_the_meeting_form_itself_still_takes_its_buttons(
    db: Database, new_user: NewUser
) -> None:
    curator = await curator_with_a_pair(db, new_user)
    await curator.send("/meeting")
    await curator.tap((await curator.buttons())[0])
    await curator.tap("регулярная встреча")
    assert "дат" in curator.last().text.lower()
    assert await count(db, group_meetings) == 0
