"""Cases in chat: the mentor writes up his pair's result from the request's button (wrong
message types, over-long text, too many photos, a restart in the middle); the curator's
/cases opens, selects and unselects, asks the mentors, sends the document; forged and
stale buttons are refused."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram.types import Message, PhotoSize, Update

from bot.factory import build_dispatcher
from bot.notices import CaseWriteCallback
from bot.settings import Settings
from handlers.cases import CaseFormCallback
from handlers.cases_curator import CaseListCallback
from i18n import Translator
from mentoring.stats.periods import school_year_of
from storage import cases as case_store
from storage.db import Database
from tests.chat import ChatUser
from tests.docx_reading import all_text
from tests.factories import make_approved_pair, make_member, make_school

NewUser = Callable[..., ChatUser]
_photo_ids = itertools.count(1)
GOAL = "Подготовить проект к конференции"
WORK = "Шесть встреч, план исследования и две репетиции"
RESULT = "Второе место на городской конференции"


@dataclass
class Pair:
    school: int
    pair: int
    mentor: ChatUser
    mentee: ChatUser
    curator: ChatUser
    mentor_id: int

    @property
    def request(self) -> str:
        year = school_year_of(datetime.now(UTC).date())
        return CaseWriteCallback(pair=self.pair, year=year).pack()


async def _pair(db: Database, new_user: NewUser) -> Pair:
    school = await make_school(db)
    mentor, mentee, curator = new_user("Ольга"), new_user("Аня"), new_user("Елена")
    mentor_id = await make_member(db, mentor.user.id, "Смирнова Ольга", school, "mentor")
    mentee_id = await make_member(db, mentee.user.id, "Аннова Анна", school, "mentee")
    await make_member(db, curator.user.id, "Кураторова Елена", school, "curator")
    pair = await make_approved_pair(db, school, mentor_id, mentee_id)
    return Pair(school, pair, mentor, mentee, curator, mentor_id)


async def send_photo(user: ChatUser) -> list[Message]:
    n = next(_photo_ids)
    message = Message(
        message_id=100_000 + n,
        date=datetime.now(UTC),
        chat=user.chat,
        from_user=user.user,
        photo=[PhotoSize(file_id=f"photo-{n}", file_unique_id=f"u{n}", width=90, height=90)],
    )
    return await user._feed(Update(update_id=500_000 + n, message=message))


async def _start(user: ChatUser, data: str) -> str:
    anchor = (await user.send("/help"))[-1]
    replies = await user.press_data(anchor, data)
    return "\n".join(m.text or "" for m in replies)


async def _writeups(db: Database, school: int) -> list[case_store.Writeup]:
    async with db.connect() as conn:
        return await case_store.of_organisations(
            conn, [school], school_year_of(datetime.now(UTC).date())
        )


async def test_mentor_writes_up_the_result_with_photos(db: Database, new_user: NewUser) -> None:
    s = await _pair(db, new_user)
    mentor = s.mentor
    started = await _start(mentor, s.request)
    assert "Аннова Анна" in started and "1/3" in started
    assert "текстом" in ((await mentor.send_sticker())[-1].text or "")
    assert "от 3 до 500" in ((await mentor.send("я" * 501))[-1].text or "")
    assert "2/3" in ((await mentor.send(GOAL))[-1].text or "")
    assert "3/3" in ((await mentor.send(WORK))[-1].text or "")
    ask_photos = (await mentor.send(RESULT))[-1]
    assert "до 3 фотографий" in (ask_photos.text or "")
    assert "нужна фотография" in ((await mentor.send("вот"))[-1].text or "")
    assert "нужна фотография" in ((await mentor.send_sticker())[-1].text or "")
    assert "Фото 1 из 3" in ((await send_photo(mentor))[-1].text or "")
    assert "Фото 2 из 3" in ((await send_photo(mentor))[-1].text or "")
    summary = (await send_photo(mentor))[-1]  # the third: straight to the summary
    assert GOAL in (summary.text or "") and "Фотографий: 3" in (summary.text or "")
    assert "не больше 3" in ((await send_photo(mentor))[-1].text or "")
    assert "кнопк" in ((await mentor.send("сохрани"))[-1].text or "")
    saved = await mentor.press(summary, "Сохранить")
    assert "сохранено" in (saved[-1].text or "")
    [writeup] = await _writeups(db, s.school)
    assert (writeup.goal, writeup.work, writeup.result) == (GOAL, WORK, RESULT)
    assert len(writeup.photos) == 3 and writeup.mentor_id == s.mentor_id

    # the second write-up of the year replaces the first, and says so
    again = await _start(mentor, s.request)
    assert "заменит прежнее" in again
    await mentor.send("Новая цель пары")
    await mentor.send(WORK)
    ask = (await mentor.send(RESULT))[-1]
    summary = (await mentor.press(ask, "Без фото"))[-1]
    assert "Фотографий: 0" in (summary.text or "")
    assert "вместо прежнего" in ((await mentor.press(summary, "Сохранить"))[-1].text or "")
    [writeup] = await _writeups(db, s.school)
    assert writeup.goal == "Новая цель пары" and writeup.photos == ()


async def test_a_write_up_resumes_after_a_restart(
    db_url: str, db: Database, new_user: NewUser, settings: Settings, translator: Translator
) -> None:
    s = await _pair(db, new_user)
    await _start(s.mentor, s.request)
    await s.mentor.send(GOAL)
    await s.mentor.send(WORK)
    restarted_db = Database(db_url)
    try:
        dp = build_dispatcher(settings, restarted_db, translator)
        mentor = ChatUser(dp, s.mentor.bot, s.mentor.user)
        ask = (await mentor.send(RESULT))[-1]
        assert "до 3 фотографий" in (ask.text or ""), "the third step, not the first"
        summary = (await mentor.press(ask, "Без фото"))[-1]
        assert GOAL in (summary.text or "") and WORK in (summary.text or "")
        await mentor.press(summary, "Сохранить")
    finally:
        await restarted_db.close()
    [writeup] = await _writeups(db, s.school)
    assert writeup.result == RESULT


async def test_forged_and_stale_buttons_are_refused(db: Database, new_user: NewUser) -> None:
    s = await _pair(db, new_user)
    year = school_year_of(datetime.now(UTC).date())
    # somebody else's pair, a pair that does not exist, a year long over
    for user, data in (
        (s.mentee, s.request),
        (s.curator, s.request),
        (s.mentor, CaseWriteCallback(pair=9999, year=year).pack()),
    ):
        await _start(user, data)
        assert (
            user.callback_answers()[-1]["text"]
            == "Описать результат может только наставник этой пары."
        )
    await _start(s.mentor, CaseWriteCallback(pair=s.pair, year=year - 3).pack())
    assert "уже закончился" in str(s.mentor.callback_answers()[-1]["text"])
    # a form button of no form in progress, and of another pair
    anchor = (await s.mentor.send("/help"))[-1]
    await s.mentor.press_data(anchor, CaseFormCallback(action="save", pair=s.pair).pack())
    assert (
        "устарела" in str(s.mentor.callback_answers()[-1]["text"]).lower()
        or s.mentor.callback_answers()[-1]["text"]
    )
    assert await _writeups(db, s.school) == []


async def test_curator_opens_selects_unselects_and_asks(db: Database, new_user: NewUser) -> None:
    s = await _pair(db, new_user)
    await _start(s.mentor, s.request)
    await s.mentor.send(GOAL)
    await s.mentor.send(WORK)
    await s.mentor.send(RESULT)
    await send_photo(s.mentor)
    summary = (await send_photo(s.mentor))[-1]
    assert "Фото 2 из 3" in (summary.text or "")
    summary = (await s.mentor.press(summary, "Готово"))[-1]
    await s.mentor.press(summary, "Сохранить")

    assert "для куратора" in ((await s.mentor.send("/cases"))[-1].text or "")
    listing = (await s.curator.send("/cases"))[-1]
    assert "Выбрано кейсов: 0 из 1" in (listing.text or "")
    assert "Смирнова Ольга" in (listing.text or "") and GOAL in (listing.text or "")
    opened = await s.curator.press(listing, "1. Открыть")
    assert WORK in (opened[0].text or "")
    assert len(s.curator.session.of("SendMediaGroup")) == 1
    await s.curator.press(listing, "1. ☆ Выбрать")
    assert s.curator.callback_answers()[-1]["text"] == "Выбрано кейсом."
    [writeup] = await _writeups(db, s.school)
    assert writeup.selected
    await s.curator.press(listing, "1. ★ Снять")  # the keyboard was refreshed
    assert s.curator.callback_answers()[-1]["text"] == "Кейс снят."
    await s.curator.press(listing, "1. ☆ Выбрать")

    # forged: another school's curator, and the mentor, press the same buttons
    other = await make_school(db, "МБОУ СОШ № 2")
    stranger = new_user("Чужой")
    await make_member(db, stranger.user.id, "Чужой Куратор", other, "curator")
    for user in (stranger, s.mentor):
        anchor = (await user.send("/help"))[-1]
        select = CaseListCallback(action="unselect", org=s.school, writeup=writeup.id).pack()
        await user.press_data(anchor, select)
        assert user.callback_answers()[-1]["text"] == "Это описание вам недоступно."
        opened = await user.press_data(
            anchor, CaseListCallback(action="open", org=s.school, writeup=writeup.id).pack()
        )
        assert opened == []
        await user.press_data(anchor, CaseListCallback(action="ask", org=s.school).pack())
        assert user.callback_answers()[-1]["text"] == "Эта организация вам недоступна."
    [writeup] = await _writeups(db, s.school)
    assert writeup.selected

    await s.curator.press(listing, "📄 Кейсы (Word)")
    [sent] = s.curator.session.of("SendDocument")
    assert GOAL in all_text(sent["document"].data)
    asked = await s.curator.press(listing, "Попросить наставников описать итоги")
    assert "Запрос отправлен наставникам: 0. Уже описали результат" in (asked[-1].text or "")
