"""/training in chat: the schedule, the form with its refusals, answers to an invitation."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiogram.types import Document, Message, Update

from bot.notices import TrainingAnswerCallback
from i18n import Translator
from mentoring.training import rules
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member, make_school
from tests.training_world import rows

NewUser = Callable[..., ChatUser]
_ids = itertools.count(900_000)


async def send_document(user: ChatUser, name: str, size: int) -> list[Message]:
    document = Document(
        file_id=f"F{name}", file_unique_id=f"U{name}", file_name=name, file_size=size
    )
    message = Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=user.chat,
        from_user=user.user,
        document=document,
    )
    return await user._feed(Update(update_id=next(_ids), message=message))


def alerts(user: ChatUser) -> list[str]:
    return [str(a.get("text")) for a in user.callback_answers() if a.get("show_alert")]


async def test_curator_schedules_through_the_form(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    curator, mentor = new_user("Елена"), new_user("Ольга")
    await make_member(db, curator.user.id, "Кураторова Елена", school, "curator")
    await make_member(db, mentor.user.id, "Смирнова Ольга", school, "mentor")

    assert "Планировать обучение могут" in (await mentor.send("/training"))[-1].text  # type: ignore[operator]
    reply = (await curator.send("/training"))[-1]
    assert "ещё не запланировано" in (reply.text or "")
    await curator.press(reply, "Запланировать обучение")
    assert "Название" in (curator.last().text or "")
    await curator.send("я" * (rules.TITLE_MAX + 1))
    assert "до 200 знаков" in (curator.last().text or "")
    await curator.send("Вебинар: роль наставника")
    await curator.send("32.13.2026")
    assert "ДД.ММ.ГГГГ" in (curator.last().text or "") or "нет" in (curator.last().text or "")
    yesterday = (datetime.now(UTC) - timedelta(days=2)).strftime("%d.%m.%Y")
    await curator.send(yesterday)
    assert "Москва" in (curator.last().text or ""), "the zone in words"
    await curator.send("10:00")
    assert "уже прошло" in "".join(m.text or "" for m in curator.replies[-2:])
    await curator.send((datetime.now(UTC) + timedelta(days=7)).strftime("%d.%m.%Y"))
    await curator.send("16:30")
    await curator.send("javascript:alert(1)")
    assert "http://" in (curator.last().text or "")
    await curator.send("https://vebinar.example/room")
    await curator.press(curator.last(), "наставники")
    assert "Пришлите материалы" in (curator.last().text or "")
    await send_document(curator, "big.pdf", rules.FILE_LIMIT_BYTES + 1)
    assert "больше 50 МБ" in (curator.last().text or "")
    await send_document(curator, "Памятка.pdf", 20_000)
    await curator.send("ftp://files.example/x")
    assert "http://" in (curator.last().text or "")
    await curator.send("https://materials.example/slides")
    assert "Добавлено материалов: 2" in (curator.last().text or "")
    await curator.press(curator.last(), "Готово")
    assert "запланировано" in (curator.last().text or "") and "Приглашения отправлены: 1" in (
        curator.last().text or ""
    )
    invitation = (await rows(db, "training_invitation"))[0]
    assert invitation["chat_id"] == mentor.user.id

    listed = (await curator.send("/training"))[-1].text or ""
    assert "Вебинар: роль наставника" in listed and "16:30" in listed
    stale = len(alerts(curator))
    await curator.press_data(curator.last(), "trm:done:0:")
    assert len(alerts(curator)) == stale + 1, "«Готово» of a form that has ended"


async def test_invitation_answers_double_tap_and_forged(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    from datetime import date, time

    from mentoring.training import service
    from storage import people as people_store

    school = await make_school(db)
    curator, mentor, mentee = new_user("Елена"), new_user("Ольга"), new_user("Аня")
    curator_id = await make_member(db, curator.user.id, "Кураторова Елена", school, "curator")
    await make_member(db, mentor.user.id, "Смирнова Ольга", school, "mentor")
    await make_member(db, mentee.user.id, "Аннова Анна", school, "mentee")
    async with db.connect() as conn:
        organiser = await people_store.get(conn, curator_id)
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    draft = service.Draft(
        title="Вебинар",
        day=date(day.year, day.month, day.day),
        at=time(15),
        audience="mentors",
        place="зал",
    )
    session_id = (
        await service.schedule(db, translator, organiser, draft, datetime.now(UTC))
    ).session_id
    assert session_id is not None
    anchor = (await mentor.send("/help"))[-1]
    yes = TrainingAnswerCallback(answer="yes", session=session_id).pack()
    await mentor.press_data(anchor, yes)
    assert "вы придёте" in str(mentor.callback_answers()[-1].get("text"))
    await mentor.press_data(anchor, yes)
    assert alerts(mentor)[-1] == "Такой ответ уже сохранён."
    await mentor.press_data(
        anchor, TrainingAnswerCallback(answer="yes", session=session_id + 5).pack()
    )
    assert alerts(mentor)[-1] == "Эта кнопка уже неактуальна."
    mentee_anchor = (await mentee.send("/help"))[-1]
    await mentee.press_data(mentee_anchor, yes)
    assert alerts(mentee)[-1] == "Эта кнопка уже неактуальна.", "not invited"
    await mentor.press_data(anchor, TrainingAnswerCallback(answer="no", session=session_id).pack())
    assert "не сможете" in str(mentor.callback_answers()[-1].get("text"))


async def test_organiser_marks_attendance_by_name(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    from datetime import time

    from sqlalchemy import update

    from mentoring.training import service
    from storage import people as people_store
    from storage.schema import training_sessions

    school = await make_school(db)
    curator, mentor = new_user("Елена"), new_user("Ольга")
    curator_id = await make_member(db, curator.user.id, "Кураторова Елена", school, "curator")
    await make_member(db, mentor.user.id, "Смирнова Ольга", school, "mentor")
    async with db.connect() as conn:
        organiser = await people_store.get(conn, curator_id)
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    draft = service.Draft(title="Семинар", day=day, at=time(15), audience="mentors", place="зал")
    session_id = (
        await service.schedule(db, translator, organiser, draft, datetime.now(UTC))
    ).session_id
    async with db.begin() as conn:  # the session has begun
        await conn.execute(
            update(training_sessions)
            .where(training_sessions.c.id == session_id)
            .values(starts_at=datetime.now(UTC) - timedelta(minutes=10))
        )
    reply = (await curator.send("/training"))[-1]
    await curator.press(reply, "Посещаемость: Семинар")
    names = curator.last()
    assert "Нажмите на имя" in (names.text or "")
    await curator.press(names, "· Смирнова Ольга")
    assert curator.callback_answers()[-1].get("text") == "Отмечено."  # no roadmap imported
    await curator.press(names, "✔ Смирнова Ольга")  # pressed again: the mark is taken back
    await curator.press(names, "· Смирнова Ольга")
    anchor = (await mentor.send("/help"))[-1]
    before = len(alerts(mentor))
    await mentor.press_data(anchor, f"trk:{session_id}:{curator_id}:0")
    assert len(alerts(mentor)) == before + 1, "a mentor cannot mark anyone"
    status = (await mentor.send("/training"))[-1].text or ""
    assert "Планировать обучение могут" in status
