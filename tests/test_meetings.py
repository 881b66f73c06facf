"""A mentor schedules a meeting in chat, the mentee confirms, reminders and feedback follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.callbacks import MeetingActionCallback
from i18n import Translator
from mentoring.meetings import outcomes, service
from mentoring.people.organisations import create_organisation
from scheduler.clock import FakeClock
from scheduler.jobs import MeetingPlanner
from storage import meetings as meeting_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_member
from tests.outbox_payloads import buttons

NewUser = Callable[..., ChatUser]


@dataclass(frozen=True)
class PairSetup:
    """A school with an approved mentor–mentee pair, a pupil without a pair and a curator."""

    org: int
    pair: int
    ids: dict[str, int]  # role name → person id
    mentor: ChatUser
    mentee: ChatUser
    stranger: ChatUser
    curator: ChatUser

    async def propose(
        self,
        db: Database,
        translator: Translator,
        *,
        starts_at: datetime,
        now: datetime,
        by: ChatUser | None = None,
        kind: str = "regular",
        place: str = "онлайн",
    ) -> service.Outcome:
        """A meeting proposed for the pair through the service, by the mentor unless `by`."""
        return await service.create(
            db,
            translator,
            await _person(db, by or self.mentor),
            organisation_id=self.org,
            pair_id=self.pair,
            kind=kind,
            starts_at=starts_at,
            place=place,
            now=now,
        )


async def setup_pair(db: Database, new_user: NewUser, tz: str) -> PairSetup:
    org = await create_organisation(
        db, name=f"Школа {tz}", kind="school", municipality="г.", region="р.", timezone=tz
    )
    mentor, mentee, stranger, curator = (new_user(n) for n in ("Ольга", "Аня", "Чужой", "Елена"))
    names = {
        "mentor": (mentor, "Смирнова Ольга", "mentor"),
        "mentee": (mentee, "Аннова Анна", "mentee"),
        "stranger": (stranger, "Чужов Пётр", "mentee"),
        "curator": (curator, "Кураторова Елена", "curator"),
    }
    ids = {
        key: await make_member(db, user.user.id, name, org.id, role)
        for key, (user, name, role) in names.items()
    }
    pair = await make_approved_pair(db, org.id, ids["mentor"], ids["mentee"])
    return PairSetup(org.id, pair, ids, mentor, mentee, stranger, curator)


async def rows(db: Database, kind: str) -> list[tuple[int, datetime, str, dict]]:  # type: ignore[type-arg]
    async with db.connect() as conn:
        found = await conn.execute(
            select(outbox.c.chat_id, outbox.c.due_at, outbox.c.dedupe_key, outbox.c.payload)
            .where(outbox.c.kind == kind, outbox.c.status == "pending")
            .order_by(outbox.c.id)
        )
    return [tuple(r) for r in found.all()]  # type: ignore[misc]


async def schedule_in_chat(mentor: ChatUser, local: datetime) -> None:
    await mentor.send("/meeting")
    pair_button = (await mentor.buttons())[0]
    await mentor.tap(pair_button)
    await mentor.tap("регулярная встреча")
    await mentor.send(local.strftime("%d.%m.%Y"))
    await mentor.send(local.strftime("%H:%M"))
    await mentor.send("Кабинет 12")


async def check_flow(db: Database, new_user: NewUser, translator: Translator, tz: str) -> None:
    s = await setup_pair(db, new_user, tz)
    mentor, mentee = s.mentor, s.mentee
    zone = ZoneInfo(tz)
    local = datetime.combine(date.today() + timedelta(days=5), datetime.min.time(), zone).replace(
        hour=16, minute=30
    )
    await schedule_in_chat(mentor, local)
    assert "Встреча назначена" in (mentor.last().text or "")
    [(chat, _, _, payload)] = await rows(db, "meeting_proposed")
    assert chat == mentee.user.id and "16:30" in payload["text"]
    labels = [b["text"] for b in buttons(payload)[0]]
    assert labels == ["Подтвердить", "Отклонить", "Другое время"]

    # the mentee presses "Подтвердить" on the message the outbox would deliver
    message = await mentee.send("/meetings")
    confirm = buttons(payload)[0][0]["callback_data"]
    await mentee.press_data(message[-1], confirm)
    assert "подтверждена" in (mentee.last().text or "")
    [(to_mentor, _, _, _)] = await rows(db, "meeting_confirmed")
    assert to_mentor == mentor.user.id

    starts = local.astimezone(UTC)
    clock = FakeClock(starts - timedelta(days=3))
    planner = MeetingPlanner(db, translator, clock)
    await planner.run_once()
    clock2 = FakeClock(starts - timedelta(days=1, hours=12))
    await MeetingPlanner(db, translator, clock2).run_once()
    first = await rows(db, "meeting_reminder")
    await MeetingPlanner(db, translator, clock2).run_once()  # again: nothing new
    assert await rows(db, "meeting_reminder") == first
    due = sorted((chat, due_at) for chat, due_at, _, _ in first)
    assert due == sorted(
        [
            (c, starts - timedelta(hours=h))
            for c in (mentor.user.id, mentee.user.id)
            for h in (24, 1)
        ]
    )
    [(asked, asked_at, _, question)] = await rows(db, "meeting_held_question")
    assert asked == mentor.user.id and asked_at == starts + timedelta(hours=1)

    # after the meeting the mentor answers "Состоялась" → feedback due an hour after the end
    registry = load_definitions()
    mentor_person = await _person(db, mentor)
    meeting_id = MeetingActionCallback.unpack(buttons(question)[0][0]["callback_data"]).meeting
    outcome = await outcomes.record_outcome(
        db,
        translator,
        registry,
        mentor_person,
        meeting_id,
        held=True,
        now=starts + timedelta(minutes=70),
    )
    assert outcome.ok
    invitations = await rows(db, "survey_invitation")
    assert {c for c, _, _, _ in invitations} == {mentor.user.id, mentee.user.id}
    assert {d for _, d, _, _ in invitations} == {starts + timedelta(hours=2)}


async def _person(db: Database, user: ChatUser) -> people_store.Person:
    async with db.connect() as conn:
        found = await people_store.get_by_telegram_id(conn, user.user.id)
    assert found is not None
    return found


async def test_moscow_meeting_flow(db: Database, new_user: NewUser, translator: Translator) -> None:
    await check_flow(db, new_user, translator, "Europe/Moscow")


async def test_vladivostok_meeting_flow(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    await check_flow(db, new_user, translator, "Asia/Vladivostok")


async def test_forged_callbacks_are_refused(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    s = await setup_pair(db, new_user, "Europe/Moscow")
    mentor, stranger, mentee = s.mentor, s.stranger, s.mentee
    now = datetime.now(UTC)
    outcome = await s.propose(db, translator, starts_at=now + timedelta(days=2), now=now)
    assert outcome.ok and outcome.meeting_id
    # a mentee may not create; a stranger may not create for somebody else's pair
    refused = await s.propose(
        db, translator, starts_at=now + timedelta(days=2), now=now, by=stranger, place="x"
    )
    assert refused.reason == "no_rights"
    message = (await stranger.send("/meetings"))[-1]
    for action in ("confirm", "decline", "held", "other_time"):
        data = MeetingActionCallback(action=action, meeting=outcome.meeting_id).pack()
        await stranger.press_data(message, data)
        assert stranger.callback_answers()[-1]["text"] == "Это действие вам недоступно."
    # the proposer cannot confirm his own proposal
    own = MeetingActionCallback(action="confirm", meeting=outcome.meeting_id).pack()
    await mentor.press_data((await mentor.send("/meetings"))[-1], own)
    async with db.connect() as conn:
        meeting = await meeting_store.get(conn, outcome.meeting_id)
    assert meeting is not None and meeting.status == "proposed"
    # a nonexistent meeting id
    await mentee.press_data(message, MeetingActionCallback(action="confirm", meeting=9999).pack())
    assert "неактуальна" in str(mentee.callback_answers()[-1]["text"])


async def test_reschedule_withdraws_old_reminders(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    s = await setup_pair(db, new_user, "Europe/Moscow")
    mentee = s.mentee
    now = datetime(2030, 5, 10, 6, 0, tzinfo=UTC)  # 09:00 in Moscow; the meeting at 19:00
    start = now + timedelta(hours=10)
    made = await s.propose(db, translator, starts_at=start, now=now, kind="intro")
    assert made.meeting_id
    assert (
        await service.answer(
            db, translator, await _person(db, mentee), made.meeting_id, confirm=True, now=now
        )
    ).ok
    await MeetingPlanner(db, translator, FakeClock(now)).run_once()
    assert (
        len(await rows(db, "meeting_reminder")) == 2
    )  # 1 h reminders only: under 12 h short of a day
    moved = await service.reschedule(  # a confirmed meeting: moved by the mentor
        db,
        translator,
        await _person(db, s.mentor),
        made.meeting_id,
        starts_at=start + timedelta(days=1),
        now=now,
    )
    assert moved.ok
    assert await rows(db, "meeting_reminder") == []  # withdrawn; a new time must be confirmed
    await MeetingPlanner(db, translator, FakeClock(now)).run_once()
    assert await rows(db, "meeting_reminder") == []


async def test_a_bad_meeting_date_gets_a_real_example_and_an_impossible_one_is_named(
    db: Database, new_user: NewUser
) -> None:
    setup = await setup_pair(db, new_user, "Asia/Vladivostok")
    mentor = setup.mentor
    await mentor.send("/meeting")
    await mentor.tap((await mentor.buttons())[0])
    await mentor.tap("регулярная встреча")
    zone = ZoneInfo("Asia/Vladivostok")
    before = datetime.now(zone).date()
    hint = (await mentor.send("в пятницу"))[-1].text or ""
    # The example is a week ahead on the school's calendar: a date the form would take
    # (read on either side of the reply, should a midnight fall in between).
    ahead = {day + timedelta(days=7) for day in (before, datetime.now(zone).date())}
    assert any(f"например {day:%d.%m.%Y}" in hint for day in ahead)
    assert "Такой даты нет" in ((await mentor.send("31.02.2027"))[-1].text or "")
