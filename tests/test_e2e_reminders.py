"""The real process: a meeting's 1-hour reminder arrives on time, and once across a SIGKILL."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from i18n import load_translator
from mentoring.people.organisations import create_organisation
from sandbox import SandboxClient, SandboxServer, SandboxUser
from scheduler.clock import FakeClock
from scheduler.jobs import MeetingPlanner
from storage import meetings as meeting_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import outbox
from tests.factories import make_approved_pair, make_member
from tests.pg import database_url
from tests.process import BotProcess
from tests.test_e2e_surveys import daytime_zone

pytestmark = pytest.mark.e2e

REMINDER = "Напоминание:"


@dataclass
class World:
    db: Database
    db_url: str
    org: int
    pair: int
    timezone: str
    ids: dict[str, int]  # role → person id
    users: dict[str, SandboxUser]  # role → sandbox user


async def make_world(tmp_path: Path, sb: SandboxClient) -> World:
    """An organisation where it is daytime now, with a curator and an approved pair."""
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    timezone = daytime_zone()
    org = await create_organisation(
        db, name="Школа № 5", kind="school", municipality="г.", region="р.", timezone=timezone
    )
    users = {
        "mentor": await sb.create_user("Ольга"),
        "mentee": await sb.create_user("Аня"),
        "curator": await sb.create_user("Елена"),
    }
    for user in users.values():  # a chat the bot may write to (no 403)
        await user.send("/start")
    names = {"mentor": "Смирнова Ольга", "mentee": "Аннова Анна", "curator": "Кураторова Елена"}
    ids = {role: await make_member(db, users[role].id, names[role], org.id, role) for role in users}
    pair = await make_approved_pair(db, org.id, ids["mentor"], ids["mentee"])
    return World(db, db_url, org.id, pair, timezone, ids, users)


async def confirmed_meeting(w: World, starts_at: datetime, kind: str = "regular") -> int:
    """A meeting the mentor proposed and the mentee confirmed, straight into storage."""
    now = datetime.now(UTC)
    async with w.db.begin() as conn:
        meeting_id = await meeting_store.create(
            conn,
            organisation_id=w.org,
            pair_id=w.pair,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=60,
            place="Кабинет 12",
            proposed_by=w.ids["mentor"],
            now=now,
        )
        assert await meeting_store.set_fields(
            conn,
            meeting_id,
            expected_status=("proposed",),
            now=now,
            status="confirmed",
            confirmed_by=w.ids["mentee"],
        )
    return meeting_id


def bot_process(tmp_path: Path, w: World, sandbox: SandboxServer) -> BotProcess:
    return BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-MEETINGS",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": w.db_url,
        },
    )


async def outbox_rows(db: Database, kind: str) -> list[tuple[int, str, datetime, str, dict]]:  # type: ignore[type-arg]
    """(chat id, status, due_at, dedupe key, payload) of every row of `kind`."""
    async with db.connect() as conn:
        found = await conn.execute(
            select(
                outbox.c.chat_id,
                outbox.c.status,
                outbox.c.due_at,
                outbox.c.dedupe_key,
                outbox.c.payload,
            )
            .where(outbox.c.kind == kind)
            .order_by(outbox.c.id)
        )
    return [tuple(r) for r in found.all()]  # type: ignore[misc]


async def wait_rows(db: Database, kind: str, n: int, timeout: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while len(await outbox_rows(db, kind)) < n:
        assert asyncio.get_running_loop().time() < deadline, f"no {n} {kind} rows in the outbox"
        await asyncio.sleep(0.1)


async def texts(user: SandboxUser, needle: str) -> list[str]:
    return [m.text or "" for m in await user.chat(files=False) if needle in (m.text or "")]


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_reminder_on_time_and_once_across_sigkill(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    async with SandboxClient(sandbox.base_url) as sb:
        w = await make_world(tmp_path, sb)
        mentor, mentee = w.users["mentor"], w.users["mentee"]
        now = datetime.now(UTC).replace(microsecond=0)
        # the 1 h reminders of the first meeting are due in 10 s, of the second in 22 s
        first = now + timedelta(hours=1, seconds=10)
        second = now + timedelta(hours=1, seconds=22)
        await confirmed_meeting(w, first)
        await confirmed_meeting(w, second, kind="intro")
        bot = bot_process(tmp_path, w, sandbox)
        try:
            await bot.start()
            # the planner runs at start-up: 2 reminders per meeting (mentor and mentee)
            await wait_rows(w.db, "meeting_reminder", 4)
            rows = await outbox_rows(w.db, "meeting_reminder")
            assert sorted(utc(due) for _, _, due, _, _ in rows) == sorted(
                [first - timedelta(hours=1)] * 2 + [second - timedelta(hours=1)] * 2
            ), "an hour before, not shifted: it is daytime in the organisation"
            assert not await texts(mentee, REMINDER), "not before it is due"
            for user in w.users.values():  # the replies to /start are out of the way...
                await user.wait_for_message(lambda m: "/help" in (m.text or ""), timeout=15)
            # ...so Telegram's flood control meets the first reminder: wait, then deliver
            await sb.inject_fault("sendMessage", status=429, count=1, retry_after=1)

            message = await mentee.wait_for_message(
                lambda m: REMINDER in (m.text or ""), timeout=20
            )
            arrived = datetime.now(UTC)
            assert arrived >= first - timedelta(hours=1), "not early"
            assert arrived < first - timedelta(hours=1) + timedelta(seconds=8), "not late"
            local = first.astimezone(ZoneInfo(w.timezone))
            assert local.strftime("%H:%M") in (message.text or "")
            assert "регулярная" in (message.text or "") and "Кабинет 12" in (message.text or "")
            await mentor.wait_for_message(lambda m: REMINDER in (m.text or ""), timeout=10)
            statuses = [call.status for call in await sb.calls("sendMessage")]
            assert statuses.count(429) == 1 and statuses[-2:] == [200, 200]

            # the second meeting's reminders are planned but not due: a crash now...
            pending = [r for r in await outbox_rows(w.db, "meeting_reminder") if r[1] == "pending"]
            assert len(pending) == 2
            assert datetime.now(UTC) < second - timedelta(hours=1)
            bot.kill()
            await bot.start()  # ...and the planner runs again at start-up
            await mentee.wait_for_message(lambda m: "знакомство" in (m.text or ""), timeout=20)
            await asyncio.sleep(3)  # give a duplicate every chance to arrive
            assert len(await texts(mentee, REMINDER)) == 2, "each reminder exactly once"
            assert len(await texts(mentor, REMINDER)) == 2
            rows = await outbox_rows(w.db, "meeting_reminder")
            assert len(rows) == 4 and {status for _, status, _, _, _ in rows} == {"sent"}
        finally:
            bot.stop()
            await w.db.close()


async def test_pupil_reminder_due_at_night_is_stored_for_eight_next_morning(db: Database) -> None:
    """The 24 h reminder of a 23:30 meeting is due at 23:30: the pupil's waits until 08:00."""
    zone = ZoneInfo("Europe/Moscow")
    org = await create_organisation(
        db, name="Школа № 7", kind="school", municipality="г.", region="р.", timezone=str(zone)
    )
    ids = {}
    for n, role in enumerate(("mentor", "mentee")):
        async with db.begin() as conn:
            ids[role] = await people_store.create(
                conn, telegram_id=500 + n, locale="ru", username=None, status="active"
            )
            await people_store.set_name(conn, ids[role], f"Человек {n}", "active")
            await people_store.add_membership(conn, ids[role], org.id, role)
    day = date(2030, 3, 12)
    starts = datetime.combine(day + timedelta(days=1), time(23, 30), zone)
    async with db.begin() as conn:
        pair = await pair_store.create_pair(
            conn,
            organisation_id=org.id,
            mentor_id=ids["mentor"],
            mentee_ids=[ids["mentee"]],
            form="student_student",
            order_number="1",
            order_date=day,
            approved_by=None,
            fit_flag=True,
            now=datetime.combine(day, time(10), zone),
        )
    w = World(db, "", org.id, pair, str(zone), ids, {})
    await confirmed_meeting(w, starts.astimezone(UTC))
    planner = MeetingPlanner(
        db, load_translator(), FakeClock(datetime.combine(day, time(10), zone))
    )
    await planner.run_once()
    due = {
        (chat, key.split(":")[3]): utc(due_at).astimezone(zone)
        for chat, _, due_at, key, _ in await outbox_rows(db, "meeting_reminder")
    }
    assert due == {
        (500, "1440"): datetime.combine(day, time(23, 30), zone),  # an adult: on time
        (501, "1440"): datetime.combine(day + timedelta(days=1), time(8, 0), zone),  # a pupil
        (500, "60"): starts - timedelta(hours=1),
        # the pupil's 1 h reminder (22:30) would wait past the start: not planned at all
    }
