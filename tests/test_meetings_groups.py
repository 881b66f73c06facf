"""Meetings of a group pair (one mentor, several mentees) as each member sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.types import Message

from bot.callbacks import MeetingActionCallback
from bot.outbox_dispatcher import OutboxDispatcher
from i18n import Translator
from mentoring.meetings import service
from mentoring.people.organisations import create_organisation
from scheduler.clock import FakeClock
from scheduler.rate_limit import RateLimiter
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member
from tests.outbox_payloads import buttons
from tests.test_meetings import NewUser, _person, rows
from tests.test_pairs import cohort, pair_notices

NOW = datetime(2030, 5, 10, 6, 0, tzinfo=UTC)  # 09:00 in Moscow


@dataclass(frozen=True)
class Group:
    org: int
    pair: int
    mentor: ChatUser
    anna: ChatUser
    boris: ChatUser
    curator: ChatUser

    async def propose(
        self, db: Database, translator: Translator, starts_at: datetime, now: datetime = NOW
    ) -> int:
        made = await service.create(
            db,
            translator,
            await _person(db, self.mentor),
            organisation_id=self.org,
            pair_id=self.pair,
            kind="regular",
            starts_at=starts_at,
            place="Кабинет 12",
            now=now,
        )
        assert made.ok and made.meeting_id
        return made.meeting_id


async def make_group(db: Database, new_user: NewUser) -> Group:
    org = await create_organisation(
        db, name="Школа 5", kind="school", municipality="г.", region="р.", timezone="Europe/Moscow"
    )
    mentor, anna, boris, curator = (new_user(n) for n in ("Ольга", "Аня", "Борис", "Елена"))
    ids = [
        await make_member(db, user.user.id, name, org.id, role)
        for user, name, role in (
            (mentor, "Смирнова Ольга", "mentor"),
            (anna, "Аннова Анна", "mentee"),
            (boris, "Борисов Борис", "mentee"),
            (curator, "Кураторова Елена", "curator"),
        )
    ]
    async with db.begin() as conn:
        pair = await pair_store.create_pair(
            conn,
            organisation_id=org.id,
            mentor_id=ids[0],
            mentee_ids=ids[1:3],
            form="student_student",
            order_number="1",
            order_date=date(2030, 5, 1),
            approved_by=None,
            fit_flag=True,
            now=NOW,
        )
    return Group(org.id, pair, mentor, anna, boris, curator)


def confirm_data(payload: dict) -> str:  # type: ignore[type-arg]
    return str(buttons(payload)[0][0]["callback_data"])


async def invitation_to(db: Database, user: ChatUser, kind: str = "meeting_proposed") -> dict:  # type: ignore[type-arg]
    found = [p for chat, _, _, p in await rows(db, kind) if chat == user.user.id]
    assert found, "an invitation"
    return found[-1]


async def test_one_member_confirms_and_everyone_is_told(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    g = await make_group(db, new_user)
    meeting = await g.propose(db, translator, NOW + timedelta(days=3))
    invitation = await invitation_to(db, g.boris)
    assert "Смирнова Ольга предлагает встречу" in invitation["text"]
    assert (
        "Участники: Смирнова Ольга (наставник), Аннова Анна, Борисов Борис" in (invitation["text"])
    )
    anna_invitation = await invitation_to(db, g.anna)

    listing = (await g.anna.send("/meetings"))[-1]
    await g.anna.press_data(listing, confirm_data(anna_invitation))
    assert "Встреча подтверждена. Напомню за сутки и за час." in (g.anna.last().text or "")

    told = {chat: p["text"] for chat, _, _, p in await rows(db, "meeting_confirmed")}
    assert set(told) == {g.mentor.user.id, g.boris.user.id}, "the mentor and the other member"
    assert "подтверждена" in told[g.mentor.user.id]
    assert "Кто подтвердил: Аннова Анна" in told[g.boris.user.id]
    # Борис's unsent invitation is withdrawn; the one he has says what happened when pressed
    assert [c for c, _, _, _ in await rows(db, "meeting_proposed")] == []
    await g.boris.press_data((await g.boris.send("/meetings"))[-1], confirm_data(invitation))
    answer = str(g.boris.callback_answers()[-1]["text"])
    assert answer == "Встреча уже подтверждена. Кто подтвердил: Аннова Анна."
    assert meeting


async def test_stale_confirm_after_a_move_or_a_cancel_says_so(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    g = await make_group(db, new_user)
    meeting = await g.propose(db, translator, NOW + timedelta(days=3))
    old = await invitation_to(db, g.anna)
    moved = await service.reschedule(
        db,
        translator,
        await _person(db, g.mentor),
        meeting,
        starts_at=NOW + timedelta(days=4),
        now=NOW,
    )
    assert moved.ok
    await g.anna.press_data((await g.anna.send("/meetings"))[-1], confirm_data(old))
    answer = str(g.anna.callback_answers()[-1]["text"])
    assert answer == "Встречу перенесли на 14.05.2030 в 09:00. Ответьте на новое приглашение."

    new = await invitation_to(db, g.anna, "meeting_moved")
    cancelled = await service.cancel(
        db, translator, await _person(db, g.mentor), meeting, reason="болею", now=NOW
    )
    assert cancelled.ok
    await g.anna.press_data((await g.anna.send("/meetings"))[-1], confirm_data(new))
    assert str(g.anna.callback_answers()[-1]["text"]) == "Встречу отменили. Причина: болею"


async def test_only_mentor_or_curator_moves_a_confirmed_meeting_and_all_are_told(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    g = await make_group(db, new_user)
    meeting = await g.propose(db, translator, NOW + timedelta(days=3))
    confirmed = await service.answer(
        db, translator, await _person(db, g.anna), meeting, confirm=True, now=NOW
    )
    assert confirmed.ok
    # a mentee's «Другое время» on a confirmed meeting is refused with the reason
    listing = (await g.boris.send("/meetings"))[-1]
    other = MeetingActionCallback(action="other_time", meeting=meeting).pack()
    await g.boris.press_data(listing, other)
    assert str(g.boris.callback_answers()[-1]["text"]) == (
        "Подтверждённую встречу переносят наставник или куратор. Напишите наставнику."
    )
    refused = await service.reschedule(
        db,
        translator,
        await _person(db, g.boris),
        meeting,
        starts_at=NOW + timedelta(days=5),
        now=NOW,
    )
    assert refused.reason == "move_confirmed"

    moved = await service.reschedule(
        db,
        translator,
        await _person(db, g.curator),
        meeting,
        starts_at=NOW + timedelta(days=5),
        now=NOW,
    )
    assert moved.ok
    told = {chat: p["text"] for chat, _, _, p in await rows(db, "meeting_moved")}
    assert set(told) == {g.mentor.user.id, g.anna.user.id, g.boris.user.id}
    assert (
        "Кураторова Елена переносит встречу с 13.05.2030 09:00 на 15.05.2030 в 09:00"
        in (told[g.anna.user.id])
    )
    # the mentor moves it again: the curator is told as well
    again = await service.reschedule(
        db,
        translator,
        await _person(db, g.mentor),
        meeting,
        starts_at=NOW + timedelta(days=6),
        now=NOW,
    )
    assert again.ok
    to_curator = [p for c, _, _, p in await rows(db, "meeting_moved") if c == g.curator.user.id]
    assert to_curator and "Смирнова Ольга — Аннова Анна, Борисов Борис" in to_curator[-1]["text"]


async def test_confirm_says_which_reminders_will_come(
    db: Database, new_user: NewUser, translator: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.meetings._now", lambda: NOW)  # the chat's clock, too
    g = await make_group(db, new_user)
    soon = await g.propose(db, translator, NOW + timedelta(hours=3))
    outcome = await service.answer(
        db, translator, await _person(db, g.anna), soon, confirm=True, now=NOW
    )
    assert outcome.ok and outcome.reminders == (60,)
    data = MeetingActionCallback(action="confirm", meeting=soon).pack()
    later = await g.propose(db, translator, NOW + timedelta(hours=3, minutes=30))
    invitation = await invitation_to(db, g.boris)
    assert invitation and later
    await g.boris.press_data((await g.boris.send("/meetings"))[-1], confirm_data(invitation))
    text = g.boris.last().text or ""
    assert "Встреча подтверждена. Напомню за час до встречи." in text
    assert "за сутки" not in text
    assert data


async def test_curator_meetings_list_names_the_pair(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    g = await make_group(db, new_user)
    now = datetime.now(UTC)
    await g.propose(db, translator, now + timedelta(days=3), now=now)
    text = (await g.curator.send("/meetings"))[-1].text or ""
    assert "Смирнова Ольга — Аннова Анна, Борисов Борис" in text


async def test_only_the_mentor_gets_the_first_meeting_button(
    db: Database, new_user: NewUser
) -> None:
    _school, curator, users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")
    notices = {chat: payload for chat, _, payload in await pair_notices(db)}
    mentees = [users["anna"].user.id, users["boris"].user.id]
    mentors = [c for c in notices if c not in mentees]
    assert mentors and all(c in notices for c in mentees)
    for chat in mentees:
        assert buttons(notices[chat]) == []
        assert "Первую встречу предложит наставник" in str(notices[chat]["text"])
    for chat in mentors:
        labels = [b["text"] for row in buttons(notices[chat]) for b in row]  # type: ignore[attr-defined]
        assert labels == ["Предложить первую встречу"]


async def deliver(db: Database, user: ChatUser) -> None:
    """Send what the outbox has due through the chat's recording bot, as the scheduler would."""
    clock = FakeClock(NOW, auto_advance=True)
    await OutboxDispatcher(db, user.bot, clock, RateLimiter(clock)).run_once()


def delivered_invitation(user: ChatUser, words: str) -> Message:
    """The newest message in his chat with answer buttons whose text has `words`."""
    for message in reversed(list(user.session.sent.values())):
        mine = message.chat.id == user.user.id and words in (message.text or "")
        if mine and message.reply_markup is not None:
            return message
    raise AssertionError(f"no invitation with {words!r} and buttons")


def now_reads(user: ChatUser, message: Message) -> Message:
    """The message as the chat shows it now, after any edits."""
    return user.session.sent[(message.chat.id, message.message_id)]


async def test_a_confirmation_rewrites_the_other_members_invitations(
    db: Database, new_user: NewUser, translator: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.meetings._now", lambda: NOW)
    g = await make_group(db, new_user)
    await g.propose(db, translator, NOW + timedelta(days=3))
    await deliver(db, g.anna)
    anna_invitation = delivered_invitation(g.anna, "предлагает встречу")
    boris_invitation = delivered_invitation(g.boris, "предлагает встречу")

    await g.anna.press(anna_invitation, "Подтвердить")

    boris_sees = now_reads(g.boris, boris_invitation)
    assert boris_sees.reply_markup is None, "his invitation's buttons are gone"
    text = boris_sees.text or ""
    assert text.startswith("Смирнова Ольга предлагает встречу: регулярная встреча, 13.05.2030")
    assert text.endswith("Встреча подтверждена. Кто подтвердил: Аннова Анна.")
    assert now_reads(g.anna, anna_invitation).reply_markup is None
    # the mentor is still told in a message of its own
    await deliver(db, g.mentor)
    told = [m.text or "" for m in g.mentor.session.sent.values() if m.chat.id == g.mentor.user.id]
    assert any("Кто подтвердил: Аннова Анна" in t for t in told)


async def test_a_move_and_a_cancel_rewrite_invitations_in_each_language(
    db: Database, new_user: NewUser, translator: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.meetings._now", lambda: NOW)
    g = await make_group(db, new_user)
    async with db.begin() as conn:
        await people_store.set_locale(conn, (await _person(db, g.boris)).id, "en")
    meeting = await g.propose(db, translator, NOW + timedelta(days=3))
    await deliver(db, g.anna)
    anna_old = delivered_invitation(g.anna, "предлагает встречу")
    boris_old = delivered_invitation(g.boris, "proposes a meeting")

    # the mentor moves it in chat: the old invitations say where to, without buttons
    await g.mentor.press_data(
        (await g.mentor.send("/meetings"))[-1],
        MeetingActionCallback(action="other_time", meeting=meeting).pack(),
    )
    await g.mentor.send("14.05.2030")
    await g.mentor.send("10:00")
    anna_sees = now_reads(g.anna, anna_old)
    assert anna_sees.reply_markup is None
    assert (anna_sees.text or "").endswith(
        "Встречу перенесли на 14.05.2030 в 10:00. Новое приглашение придёт отдельным сообщением."
    )
    boris_sees = now_reads(g.boris, boris_old)
    assert boris_sees.reply_markup is None
    assert (boris_sees.text or "").endswith(
        "The meeting has moved to 14.05.2030 at 10:00. "
        "The new invitation comes in a separate message."
    )

    # Аня asks for another time on the new invitation: her own one says it moved, too
    await deliver(db, g.anna)
    anna_new = delivered_invitation(g.anna, "переносит встречу")
    await g.anna.press(anna_new, "Другое время")
    await g.anna.send("15.05.2030")
    await g.anna.send("11:00")
    assert now_reads(g.anna, anna_new).reply_markup is None
    assert "Встречу перенесли на 15.05.2030 в 11:00" in (now_reads(g.anna, anna_new).text or "")

    # the newest invitations, delivered, then the meeting cancelled: they say so
    await deliver(db, g.anna)
    mentor_new = delivered_invitation(g.mentor, "Аннова Анна переносит встречу")
    boris_new = delivered_invitation(g.boris, "moves the meeting")
    await g.mentor.press_data(
        (await g.mentor.send("/meetings"))[-1],
        MeetingActionCallback(action="cancel", meeting=meeting).pack(),
    )
    await g.mentor.send("заболела")
    mentor_sees = now_reads(g.mentor, mentor_new)
    assert mentor_sees.reply_markup is None, "the canceller's own invitation, too"
    assert (mentor_sees.text or "").endswith("Встреча отменена. Причина: заболела")
    assert (now_reads(g.boris, boris_new).text or "").endswith(
        "The meeting is cancelled. Reason: заболела"
    )
    assert now_reads(g.boris, boris_new).reply_markup is None
