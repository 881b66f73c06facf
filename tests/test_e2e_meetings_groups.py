"""The real process: a mentor of two mentees schedules in chat; one confirms, all are told
(the other member's invitation itself is rewritten without its buttons)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mentoring.people.organisations import create_organisation
from sandbox import SandboxClient, SandboxServer
from storage import pairs as pair_store
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import make_member
from tests.pg import database_url
from tests.process import BotProcess
from tests.test_e2e_surveys import daytime_zone

pytestmark = pytest.mark.e2e


async def test_group_pair_one_confirms_everyone_told(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    zone = daytime_zone()
    org = await create_organisation(
        db, name="Школа № 5", kind="school", municipality="г.", region="р.", timezone=zone
    )
    async with SandboxClient(sandbox.base_url) as sb:
        mentor, anna, boris = [await sb.create_user(n) for n in ("Ольга", "Аня", "Борис")]
        for user in (mentor, anna, boris):
            await user.send("/start")
        ids = [
            await make_member(db, user.id, name, org.id, role)
            for user, name, role in (
                (mentor, "Смирнова Ольга", "mentor"),
                (anna, "Аннова Анна", "mentee"),
                (boris, "Борисов Борис", "mentee"),
            )
        ]
        async with db.begin() as conn:
            await pair_store.create_pair(
                conn,
                organisation_id=org.id,
                mentor_id=ids[0],
                mentee_ids=ids[1:],
                form="student_student",
                order_number="1",
                order_date=date.today(),
                approved_by=None,
                fit_flag=True,
                now=datetime.now(UTC),
            )
        bot = BotProcess(
            tmp_path,
            {
                "BOT_TOKEN": "123456:E2E-GROUPS",
                "TELEGRAM_API_BASE": sandbox.base_url,
                "DATABASE_URL": db_url,
            },
        )
        try:
            await bot.start()
            for user in (mentor, anna, boris):  # the replies to /start are out of the way
                await user.wait_for_message(lambda m: "/help" in (m.text or ""), timeout=15)
            await mentor.send("/meeting")
            picker = await mentor.wait_for_message(lambda m: bool(m.button_texts()), timeout=10)
            await mentor.press(picker, "Смирнова Ольга — Аннова Анна, Борисов Борис")
            kinds = await mentor.wait_for_message(lambda m: bool(m.button_texts()), timeout=10)
            await mentor.press(kinds, "регулярная встреча")
            await mentor.wait_for_message(lambda m: "Дата встречи" in (m.text or ""), timeout=10)
            day = datetime.now(UTC).astimezone(ZoneInfo(zone)).date() + timedelta(days=3)
            await mentor.send(day.strftime("%d.%m.%Y"))
            await mentor.wait_for_message(lambda m: "Время начала" in (m.text or ""), timeout=10)
            await mentor.send("15:00")
            await mentor.wait_for_message(lambda m: "Место" in (m.text or ""), timeout=10)
            await mentor.send("Кабинет 12")
            await mentor.wait_for_message(lambda m: "Встреча назначена" in (m.text or ""))

            invitations = {}
            for user in (anna, boris):
                invitations[user.id] = await user.wait_for_message(
                    lambda m: "Подтвердить" in m.button_texts(), timeout=15
                )
                text = invitations[user.id].text or ""
                assert "Смирнова Ольга предлагает встречу" in text
                assert "Участники: Смирнова Ольга (наставник), Аннова Анна, Борисов Борис" in text

            pressed = await anna.press(invitations[anna.id], "Подтвердить")
            await anna.wait_for_answer(pressed, timeout=10)
            reply = await anna.wait_for_message(lambda m: "подтверждена" in (m.text or ""))
            assert "Напомню за сутки и за час." in (reply.text or "")
            spent = await anna.wait_for_edit(invitations[anna.id], timeout=10)
            assert spent.button_texts() == [], "her answered invitation has no buttons left"

            told = await boris.wait_for_message(
                lambda m: "Кто подтвердил: Аннова Анна" in (m.text or ""), timeout=15
            )
            assert "Встреча подтверждена" in (told.text or "")
            await mentor.wait_for_message(
                lambda m: "Встреча подтверждена" in (m.text or ""), timeout=15
            )
            # Борис's invitation itself now says so, its buttons gone, before he presses
            settled = await boris.wait_for_edit(
                invitations[boris.id],
                lambda m: "Кто подтвердил: Аннова Анна" in (m.text or ""),
                timeout=15,
            )
            assert settled.button_texts() == [], "the spent buttons are gone"
            assert (settled.text or "").startswith("Смирнова Ольга предлагает встречу")
            assert (settled.text or "").endswith(
                "Встреча подтверждена. Кто подтвердил: Аннова Анна."
            )
        finally:
            bot.stop()
            await db.close()
