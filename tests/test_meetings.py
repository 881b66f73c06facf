"""A mentor schedules a meeting in chat, the mentee confirms, reminders and feedback follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.callbacks import MeetingActionCallback
from bot.i18n import Translator
from mentoring import meetings as service
from mentoring.organisations import create_organisation
from scheduler.clock import FakeClock
from scheduler.jobs import MeetingPlanner
from storage import meetings as meeting_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from surveys.definitions import load_definitions
from tests.chat import ChatUser

NewUser = Callable[..., ChatUser]


async def person(db: Database, user: ChatUser, name: str, org: int, role: str) -> int:
    async with db.begin() as conn:
        pid = await people_store.create(
            conn, telegram_id=user.user.id, locale="ru", username=None, status="active"
        )
        await people_store.set_name(conn, pid, name, "active")
        await people_store.add_membership(conn, pid, org, role)
    return pid


async def setup_pair(db: Database, new_user: NewUser, tz: str) -> dict[str, object]:
    org = await create_organisation(
        db, name=f"Школа {tz}", kind="school", municipality="г.", region="р.", timezone=tz
    )
    mentor, mentee, stranger, curator = (new_user(n) for n in ("Ольга", "Аня", "Чужой", "Елена"))
    ids = {
        "mentor": await person(db, mentor, "Смирнова Ольга", org.id, "mentor"),
        "mentee": await person(db, mentee, "Аннова Анна", org.id, "mentee"),
        "stranger": await person(db, stranger, "Чужов Пётр", org.id, "mentee"),
        "curator": await person(db, curator, "Кураторова Елена", org.id, "curator"),
    }
    async with db.begin() as conn:
        pair_id = await pair_store.create_pair(
            conn,
            organisation_id=org.id,
            mentor_id=ids["mentor"],
            mentee_ids=[ids["mentee"]],
            form="student_student",
            order_number="1",
            order_date=date.today(),
            approved_by=None,
            fit_flag=True,
            now=datetime.now(UTC),
        )
    return {
        "org": org.id,
        "pair": pair_id,
        "ids": ids,
        "mentor": mentor,
        "mentee": mentee,
        "stranger": stranger,
        "curator": curator,
    }


def org_of(s: dict[str, object]) -> int:
    return int(str(s["org"]))


def pair_of(s: dict[str, object]) -> int:
    return int(str(s["pair"]))


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
    mentor, mentee = s["mentor"], s["mentee"]
    assert isinstance(mentor, ChatUser) and isinstance(mentee, ChatUser)
    zone = ZoneInfo(tz)
    local = datetime.combine(date.today() + timedelta(days=5), datetime.min.time(), zone).replace(
        hour=16, minute=30
    )
    await schedule_in_chat(mentor, local)
    assert "Встреча назначена" in (mentor.last().text or "")
    [(chat, _, _, payload)] = await rows(db, "meeting_proposed")
    assert chat == mentee.user.id and "16:30" in payload["text"]
    labels = [b["text"] for b in payload["buttons"][0]]
    assert labels == ["Подтвердить", "Отклонить", "Другое время"]

    # the mentee presses "Подтвердить" on the message the outbox would deliver
    message = await mentee.send("/meetings")
    confirm = payload["buttons"][0][0]["callback_data"]
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
    meeting_id = MeetingActionCallback.unpack(question["buttons"][0][0]["callback_data"]).meeting
    outcome = await service.record_outcome(
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
    mentor, stranger, mentee = s["mentor"], s["stranger"], s["mentee"]
    assert isinstance(mentor, ChatUser) and isinstance(stranger, ChatUser)
    assert isinstance(mentee, ChatUser)
    now = datetime.now(UTC)
    outcome = await service.create(
        db,
        translator,
        await _person(db, mentor),
        organisation_id=org_of(s),
        pair_id=pair_of(s),
        kind="regular",
        starts_at=now + timedelta(days=2),
        place="онлайн",
        now=now,
    )
    assert outcome.ok and outcome.meeting_id
    # a mentee may not create; a stranger may not create for somebody else's pair
    refused = await service.create(
        db,
        translator,
        await _person(db, stranger),
        organisation_id=org_of(s),
        pair_id=pair_of(s),
        kind="regular",
        starts_at=now + timedelta(days=2),
        place="x",
        now=now,
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
    mentor, mentee = s["mentor"], s["mentee"]
    assert isinstance(mentor, ChatUser) and isinstance(mentee, ChatUser)
    now = datetime(2030, 5, 10, 6, 0, tzinfo=UTC)  # 09:00 in Moscow; the meeting at 19:00
    start = now + timedelta(hours=10)
    made = await service.create(
        db,
        translator,
        await _person(db, mentor),
        organisation_id=org_of(s),
        pair_id=pair_of(s),
        kind="intro",
        starts_at=start,
        place="онлайн",
        now=now,
    )
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
    moved = await service.reschedule(
        db,
        translator,
        await _person(db, mentee),
        made.meeting_id,
        starts_at=start + timedelta(days=1),
        now=now,
    )
    assert moved.ok
    assert await rows(db, "meeting_reminder") == []  # withdrawn; a new time must be confirmed
    await MeetingPlanner(db, translator, FakeClock(now)).run_once()
    assert await rows(db, "meeting_reminder") == []
