"""Notes in the chat, through the real Dispatcher: the curator's /notes (request, enter), the
mentee's consent buttons as the outbox delivers them (refusal, a later yes, a forged press),
the author's one-time link (a sticker, an over-long note, a used link) and the mentor's /notes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import Message

from bot.notices import NoteConsentCallback
from bot.outbox_dispatcher import OutboxDispatcher
from scheduler.clock import FakeClock
from scheduler.rate_limit import RateLimiter
from storage import notes as note_store
from storage.db import Database
from tests.chat import ChatUser
from tests.test_notes_service import audit_rows, make_notes_world

NewUser = Callable[..., ChatUser]


async def deliver(db: Database, user: ChatUser) -> None:
    """Send everything queued through the recording bot, as the scheduler would: at noon the
    next day in the school's zone, so that a pupil's message held for the quiet hours goes too."""
    noon = datetime.combine(date.today() + timedelta(days=1), time(12), ZoneInfo("Europe/Moscow"))
    clock = FakeClock(noon, auto_advance=True)
    report = await OutboxDispatcher(db, user.bot, clock, RateLimiter(clock)).run_once()
    assert report.claimed, report


def newest(user: ChatUser, words: str) -> Message:
    for message in reversed(list(user.session.sent.values())):
        if message.chat.id == user.user.id and words in (message.text or ""):
            return message
    raise AssertionError(f"no message with {words!r}")


async def test_curator_requests_mentee_refuses_then_agrees_author_writes_mentor_reads(
    db: Database, new_user: NewUser
) -> None:
    w = await make_notes_world(db)
    curator = new_user("Елена", user_id=610_001)
    mentor = new_user("Ольга", user_id=610_002)
    mentee = new_user("Анна", user_id=610_003)
    stranger = new_user("Вера", user_id=610_005)  # another school's curator
    author = new_user("Учитель", user_id=630_000)

    listing = (await curator.send("/notes"))[-1]
    assert "Выберите наставляемого" in (listing.text or "")
    card = (await curator.press(listing, "Аннова Анна — записок: 0"))[-1]
    assert "Записок пока нет" in (card.text or "")
    replies = await curator.press(card, "Запросить: Классный руководитель")
    assert "Пока согласия нет, записку запросить нельзя" in replies[0].text  # type: ignore[operator]
    assert "ждём согласия" in (replies[-1].text or "")

    await deliver(db, mentee)
    question = newest(mentee, "классного руководителя")
    [request] = await _requests(db, w.ids["mentee"])
    forged = NoteConsentCallback(request=request.id, party="mentee", answer="yes").pack()
    await stranger.press_data(question, forged)
    assert stranger.callback_answers()[-1]["text"] == "Эта кнопка уже неактуальна."

    await mentee.press(question, "Нет")
    assert "без согласия записку запрашивать не будут" in (mentee.last().text or "")
    await deliver(db, curator)
    assert "Согласия нет" in (newest(curator, "Согласия нет").text or "")
    await mentee.press(question, "Да, согласие даю")  # changed his mind
    await mentee.press(mentee.last(), "Да, может")
    assert "Наставник сможет прочитать" in (mentee.last().text or "")

    card = (await curator.press(listing, "Аннова Анна — записок: 0"))[-1]
    assert "согласие есть, ссылка для автора" in (card.text or "")
    [request] = await _requests(db, w.ids["mentee"])
    assert request.code and f"?start={request.code}" in (card.text or "")

    greeting = (await author.send(f"/start {request.code}"))[-1]
    assert "Аннова Анна" in (greeting.text or "") and "до 2000 знаков" in (greeting.text or "")
    await author.send_sticker()
    assert "текстом" in (author.last().text or "")
    await author.send("ж" * 2001)
    assert "длиннее 2000 знаков (сейчас 2001)" in (author.last().text or "")
    await author.send("Аня стесняется отвечать у доски; нужна поддержка в алгебре.")
    assert author.last().text == "Спасибо! Записка передана куратору."
    await author.send(f"/start {request.code}")
    assert "уже написана" in (author.last().text or "")
    await author.send("/notes")
    assert "для куратора организации и для наставника" in (author.last().text or "")

    await mentor.send("/notes")
    assert "нужна поддержка в алгебре" in (mentor.last().text or "")
    await stranger.send("/notes")
    assert "алгебре" not in (stranger.last().text or "")
    forged_view = f"nts:show:{w.ids['mentee']}::0"
    await stranger.press_data(stranger.last(), forged_view)
    assert stranger.callback_answers()[-1]["text"] == "Это действие вам недоступно."
    listing = (await curator.send("/notes"))[-1]
    card = (await curator.press(listing, "Аннова Анна — записок: 1"))[-1]
    assert "Классный руководитель" in (card.text or "") and "видит наставник" in (card.text or "")
    readers = {actor for actor, _, _ in await audit_rows(db, "note.read")}
    assert readers == {w.ids["mentor"], w.ids["curator"]}


async def test_curator_enters_a_note_himself_only_with_consent(
    db: Database, new_user: NewUser
) -> None:
    w = await make_notes_world(db)
    curator = new_user("Елена", user_id=610_001)
    mentee = new_user("Анна", user_id=610_003)
    listing = (await curator.send("/notes"))[-1]
    card = (await curator.press(listing, "Аннова Анна — записок: 0"))[-1]
    await curator.press(card, "Запросить: Родитель (законный представитель)")
    card = curator.last()
    assert not [b for row in card.reply_markup.inline_keyboard for b in row if "Ввести" in b.text]  # type: ignore[union-attr]
    [request] = await _requests(db, w.ids["mentee"])
    enter = f"nts:enter:{w.ids['mentee']}::{request.id}"
    await curator.press_data(card, enter)  # a forged «enter» before consent
    assert "согласия наставляемого на неё нет" in (curator.last().text or "")

    await deliver(db, mentee)
    question = newest(mentee, "родителя")
    await mentee.press(question, "Да, согласие даю")
    await mentee.press(mentee.last(), "Нет, только куратор")
    card = (await curator.press(listing, "Аннова Анна — записок: 0"))[-1]
    await curator.press(card, "Ввести записку: Родитель (законный представитель)")
    assert "до 2000 знаков" in (curator.last().text or "")
    await curator.send("Мама просит помочь с выбором профиля.")
    assert curator.last().text == "Записка сохранена."
    late_no = NoteConsentCallback(request=request.id, party="mentee", answer="no").pack()
    await mentee.press_data(question, late_no)  # an old «Нет» once the note is written
    assert mentee.callback_answers()[-1]["text"] == "Эта кнопка уже неактуальна."
    async with db.connect() as conn:
        [note] = await note_store.notes_of_mentee(conn, w.ids["mentee"])
    assert note.author_person_id == w.ids["curator"] and not note.mentor_may_see


async def _requests(db: Database, mentee_id: int) -> list[note_store.NoteRequest]:
    async with db.connect() as conn:
        return await note_store.requests_of_mentee(conn, mentee_id)
