"""Two `mentorbot run` replicas on one PostgreSQL behind a round-robin balancer, with the
sandbox delivering by webhook: a person registers and answers the intake with his updates
alternating between the replicas; the leader is SIGKILLed while it sends 500 reminders,
the other takes over, every reminder arrives, and the questionnaire is intact."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, insert, select

from sandbox import SandboxClient, SandboxServer
from sandbox.webhooks import RetryPolicy
from storage import outbox
from storage.db import Database
from storage.schema import answers, people, responses
from tests.factories import make_invite, make_school
from tests.pg import PgTemplate
from tests.process import BotProcess, free_port
from tests.sandbox_respondent import SandboxRespondent
from tests.survey_driver import answer_survey
from tests.test_e2e_surveys import _register

pytestmark = pytest.mark.e2e

BOT_ID = 424242
SECRET = "replicas_Secret-1"
PATH = "/telegram/webhook"
REMINDERS = 500
TAKEOVER = 15.0  # seconds: the bound for another replica to lead


class Balancer:
    """nginx's round robin in a few lines: each POST to the next replica in turn; a replica
    that refuses the connection answers 502, and Telegram (the sandbox) tries again."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))
        self.served = [0] * len(ports)
        self.port = free_port()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def _forward(self, request: web.Request) -> web.Response:
        index = next(self.turn)
        assert self._session is not None
        try:
            async with self._session.post(
                f"http://127.0.0.1:{self.ports[index]}{PATH}",
                data=await request.read(),
                headers={
                    key: value
                    for key, value in request.headers.items()
                    if key.lower() in {"content-type", "x-telegram-bot-api-secret-token"}
                },
            ) as reply:
                if reply.status < 300:
                    self.served[index] += 1
                return web.Response(status=reply.status, body=await reply.read())
        except aiohttp.ClientError:
            return web.Response(status=502)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post(PATH, self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()


async def _until(condition: Callable[[], bool], what: str, timeout: float = 90.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def _leading(bot: BotProcess) -> bool:
    return "leader.elected" in bot.log()


async def _reminder_chats(db: Database, sandbox: SandboxServer) -> list[int]:
    """500 people who have written to the bot, and their reminders due now."""
    state = sandbox.state.bot_for_token(BOT_ID)
    users = [sandbox.state.add_user(f"Участник {n}") for n in range(REMINDERS)]
    for user in users:
        state.chat_with(user).started = True
    now = datetime.now(UTC)
    async with db.begin() as conn:
        ids = (
            await conn.execute(
                insert(people).returning(people.c.id),
                [
                    {
                        "telegram_id": user.id,
                        "full_name": f"Участник {n}",
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n, user in enumerate(users)
                ],
            )
        ).scalars()
        for person_id, user in zip(list(ids), users, strict=True):
            await outbox.enqueue(
                conn,
                person_id=person_id,
                chat_id=user.id,
                kind="meeting_reminder",
                payload={"text": "Напоминание: встреча завтра в 15:00", "marked": False},
                due_at=now,
                dedupe_key=f"replicas:{user.id}",
            )
    return [user.id for user in users]


def _delivered(sandbox: SandboxServer, chat_ids: list[int]) -> list[int]:
    state = sandbox.state.bot_for_token(BOT_ID)
    chats = {chat.user.id: chat for chat in state.chats.values()}
    return [sum(1 for m in chats[chat_id].messages.values() if m.from_bot) for chat_id in chat_ids]


async def test_two_replicas_one_leader_and_a_takeover(
    tmp_path: Path, sandbox: SandboxServer, postgres: PgTemplate
) -> None:
    url = postgres.fresh_database()
    db = Database(url)
    school = await make_school(db)
    code = await make_invite(db, school, "mentor")
    sandbox.state.bot_for_token(BOT_ID).updates.webhook.retry = RetryPolicy(
        first_delay=0.05, factor=2.0, max_delay=0.3
    )
    workdirs = [tmp_path / "a", tmp_path / "b"]
    for workdir in workdirs:
        workdir.mkdir()
    replicas = [
        BotProcess(
            workdir,
            {
                "BOT_TOKEN": f"{BOT_ID}:REPLICAS",
                "TELEGRAM_API_BASE": sandbox.base_url,
                "DATABASE_URL": url,
                "WEBHOOK_SECRET": SECRET,
                "SECRET_KEY": "replicas-share-one-secret-key",
                "OUTBOX_LEASE": "8",
                "SEND_RATE": "30",
                "SEND_CHAT_INTERVAL": "0",
            },
        )
        for workdir in workdirs
    ]
    balancer = Balancer([replica.web_port for replica in replicas])
    for replica in replicas:
        replica.env["WEBHOOK_URL"] = f"http://127.0.0.1:{balancer.port}{PATH}"
    await balancer.start()
    try:
        await replicas[0].start()
        await replicas[1].start()
        assert _leading(replicas[0]) and not _leading(replicas[1])

        async with SandboxClient(sandbox.base_url) as sb:
            olga = await sb.create_user("Ольга")
            await _register(olga, code, "Смирнова Ольга")
            await answer_survey(
                SandboxRespondent(olga),
                db,
                olga.id,
                {"position": "Педагог", "experience_years": "15", "capacity": "2"},
            )
        assert min(balancer.served) >= 5, balancer.served  # both replicas took part
        async with db.connect() as conn:
            status = (await conn.execute(select(responses.c.status))).scalars().all()
            answered = (await conn.execute(select(func.count()).select_from(answers))).scalar_one()
        assert list(status) == ["submitted"]

        chat_ids = await _reminder_chats(db, sandbox)
        await _until(lambda: sum(_delivered(sandbox, chat_ids)) >= 100, "100 reminders sent")
        replicas[0].kill()  # the leader, in the middle of the batch
        waited = await _until(lambda: _leading(replicas[1]), "the other replica leads", 30)
        assert waited <= TAKEOVER
        await _until(lambda: min(_delivered(sandbox, chat_ids)) >= 1, "every reminder", 120)
        counts = _delivered(sandbox, chat_ids)
        duplicates = sum(count - 1 for count in counts)
        assert duplicates <= 1, f"{duplicates} reminders arrived twice after one kill"

        async with db.connect() as conn:
            after = (await conn.execute(select(func.count()).select_from(answers))).scalar_one()
        assert after == answered  # the questionnaire is intact
        assert "Смирнова" not in replicas[1].log()
    finally:
        for replica in replicas:
            replica.stop()
        await balancer.stop()
        await db.close()
