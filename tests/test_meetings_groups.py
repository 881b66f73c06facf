"""Meetings of a group pair (one mentor, several mentees) as each member sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.callbacks import MeetingActionCallback
from bot.i18n import Translator
from mentoring import meetings as service
from mentoring.organisations import create_organisation
from storage import pairs as pair_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member
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
    return str(payload["buttons"][0][0]["callback_data"])


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
        assert notices[chat]["buttons"] == []
        assert "Первую встречу предложит наставник" in str(notices[chat]["text"])
    for chat in mentors:
        labels = [b["text"] for row in notices[chat]["buttons"] for b in row]  # type: ignore[attr-defined]
        assert labels == ["Предложить первую встречу"]
