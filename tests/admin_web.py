"""The back office in-process for tests: a TestServer, a settable clock, signed-in agents."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from admin import AdminConfig, build_admin_app
from admin.tokens import issue_login_token
from i18n import Translator
from mentoring.stats.service import StatsService
from storage import people
from storage.db import Database

SECRET = "test-secret-key-0123456789abcdef"
BASE_URL = "http://127.0.0.1"  # the office's public address (WEB_BASE_URL)
BOT_USERNAME = "mentor_test_bot"
_telegram_ids = itertools.count(91_000)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def make_person(
    db: Database,
    name: str,
    role: str,
    organisation_id: int | None,
    *,
    locale: str = "ru",
) -> int:
    """A registered person with one membership (what a finished registration leaves)."""
    async with db.begin() as conn:
        person_id = await people.create(
            conn, telegram_id=next(_telegram_ids), locale=locale, username=None, status="active"
        )
        await people.set_name(conn, person_id, name, status="active")
        await people.add_membership(conn, person_id, organisation_id, role)
    return person_id


@dataclass
class Agent:
    """One browser: its own cookie jar; remembers the CSRF token of the last page."""

    server: TestServer
    http: aiohttp.ClientSession
    csrf: str = ""
    last_text: str = ""

    async def get(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        response = await self.http.get(self.server.make_url(path), allow_redirects=False, **kwargs)
        body = await response.read()
        if response.content_type == "text/html":
            self.last_text = body.decode()
            found = re.search(r'name="csrf" value="([^"]+)"', self.last_text)
            if found:
                self.csrf = found.group(1)
        return response

    async def post(
        self, path: str, data: Any = None, *, csrf: bool = True
    ) -> aiohttp.ClientResponse:
        if csrf and isinstance(data, dict):
            data = {"csrf": self.csrf, **data}
        elif csrf and isinstance(data, aiohttp.FormData):
            data.add_field("csrf", self.csrf)
        response = await self.http.post(
            self.server.make_url(path),
            data=data,
            allow_redirects=False,
            headers={"Origin": BASE_URL},  # as a browser on the office's own page sends
        )
        self.last_text = (await response.read()).decode(errors="replace")
        return response

    async def login(self, person_id: int, now: datetime) -> aiohttp.ClientResponse:
        token = issue_login_token(SECRET, person_id, now)
        response = await self.post("/admin/login", {"token": token}, csrf=False)
        if response.status == 303:
            await self.get("/admin/")
        return response

    def cookie(self) -> str | None:
        for morsel in self.http.cookie_jar:
            if morsel.key == "mentorbot_admin":
                return morsel.value
        return None


@dataclass
class AdminWeb:
    server: TestServer
    clock: Clock
    db: Database
    agents: list[Agent] = field(default_factory=list)

    async def agent(self) -> Agent:
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        agent = Agent(self.server, http)
        self.agents.append(agent)
        return agent

    async def signed_in(self, person_id: int) -> Agent:
        agent = await self.agent()
        response = await agent.login(person_id, self.clock())
        assert response.status == 303, agent.last_text
        return agent


@asynccontextmanager
async def admin_web(
    db: Database, translator: Translator, stats: StatsService | None = None
) -> AsyncIterator[AdminWeb]:
    """`stats`: a stand-in for the figures (tests/lagging_figures.py); the real one by default."""
    clock = Clock()

    async def bot_username() -> str:
        return BOT_USERNAME

    config = AdminConfig(
        db=db,
        translator=translator,
        secret=SECRET,
        base_url=BASE_URL,
        bot_username=bot_username,
        stats=stats or StatsService(db, translator),
        clock=clock,
    )
    root = web.Application()
    root.add_subapp("/admin", build_admin_app(config))
    server = TestServer(root, host="127.0.0.1")
    await server.start_server()
    env = AdminWeb(server, clock, db)
    try:
        yield env
    finally:
        for agent in env.agents:
            await agent.http.close()
        await server.close()
