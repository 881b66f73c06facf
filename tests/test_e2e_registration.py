"""The real process end to end: registration through the sandbox, surviving a SIGKILL."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxClient, SandboxServer
from storage import people
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import make_invite, make_school
from tests.pg import database_url
from tests.process import BotProcess, free_port

pytestmark = pytest.mark.e2e


async def test_register_survives_sigkill_between_consent_and_name(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    code = await make_invite(db, await make_school(db), "mentee")

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
            anna = await sb.create_user("Анна", username="anna_e2e")
            await anna.send(f"/start {code}")
            consent = await anna.wait_for_message(
                lambda m: "Даю согласие" in m.button_texts(), timeout=15
            )
            assert "Согласие на обработку персональных данных" in consent.text
            await anna.press(consent, "Даю согласие")
            await anna.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)

            bot.kill()  # consent recorded, name not yet given
            await bot.start()

            await anna.send("Иванова Анна Сергеевна")
            done = await anna.wait_for_message(
                lambda m: "Вы зарегистрированы" in (m.text or ""), timeout=15
            )
            assert "наставляемый — МБОУ СОШ № 1" in done.text
            await anna.send("/me")
            profile = await anna.wait_for_message(lambda m: "Статус" in (m.text or ""), timeout=15)
            assert "Иванова Анна Сергеевна" in profile.text

            scoped = [c for c in await sb.commands() if c.scope.get("type") == "chat"]
            assert scoped and scoped[-1].scope.get("chat_id") == anna.id
        async with db.connect() as conn:
            person = await people.get_by_telegram_id(conn, anna.id)
        assert person is not None and person.registered
        assert "Иванова" not in bot.log() and "anna_e2e" not in bot.log(), (
            "no personal data in logs"
        )
    finally:
        bot.stop()
        await db.close()


async def test_main_job_without_token_runs_the_embedded_sandbox(tmp_path: Path) -> None:
    sandbox_port = free_port()
    bot = BotProcess(
        tmp_path,
        {
            "SANDBOX_PORT": str(sandbox_port),
            "DATABASE_URL": database_url(tmp_path, "x.db"),
        },
    )
    try:
        await bot.start()
        assert "SANDBOX MODE" in bot.log()
        async with SandboxClient(f"http://127.0.0.1:{sandbox_port}") as sb:
            user = await sb.create_user("Newcomer", language_code="en")
            await user.send("/start")
            reply = await user.wait_for_message(timeout=15)
            assert "invite link" in reply.text
    finally:
        bot.stop()
