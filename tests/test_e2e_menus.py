"""The real process through the sandbox: a coordinator's invite to a municipality greets
with the territory's name, and each person's «/» menu is set for his own chat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mentoring.people.invites import create_invite
from sandbox import SandboxClient, SandboxServer
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import make_invite, make_school
from tests.pg import database_url
from tests.process import BotProcess

pytestmark = pytest.mark.e2e


async def test_menus_per_chat_and_the_coordinator_greeting(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    curator_code = await make_invite(db, await make_school(db), "curator")
    area_invite = await create_invite(
        db,
        organisation_id=None,
        role="coordinator",
        max_uses=None,
        expires_days=None,
        now=datetime.now(UTC),
        municipality="г. Тула",
    )
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-TEST",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            kira = await sb.create_user("Кира")
            await kira.send(f"/start {area_invite.code}")
            greeting = await kira.wait_for_message(
                lambda m: "программы наставничества" in (m.text or ""), timeout=15
            )
            assert "«»" not in greeting.text and "г. Тула" in greeting.text
            consent = await kira.wait_for_message(
                lambda m: "Даю согласие" in m.button_texts(), timeout=15
            )
            await kira.press(consent, "Даю согласие")
            await kira.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)
            await kira.send("Киреева Кира")
            await kira.wait_for_message(lambda m: "Готово" in (m.text or ""), timeout=15)

            zoya = await sb.create_user("Зоя")
            await zoya.send(f"/start {curator_code}")
            consent = await zoya.wait_for_message(
                lambda m: "Даю согласие" in m.button_texts(), timeout=15
            )
            await zoya.press(consent, "Даю согласие")
            await zoya.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)
            await zoya.send("Зотова Зоя")
            await zoya.wait_for_message(lambda m: "Готово" in (m.text or ""), timeout=15)
            await zoya.send("/help")
            help_message = await zoya.wait_for_message(
                lambda m: "Что умеет бот" in (m.text or ""), timeout=15
            )

            menus = {
                c.scope.get("chat_id"): [x["command"] for x in c.commands]
                for c in await sb.commands()
                if c.scope.get("type") == "chat"
            }
            assert menus[kira.id][:2] == ["stats", "admin"]
            assert {"pairs", "stats", "meeting", "meetings", "roadmap", "admin"} <= set(
                menus[zoya.id]
            )
            for name in menus[zoya.id]:
                assert f"/{name} — " in help_message.text
    finally:
        bot.stop()
        await db.close()
