"""What every back-office request can reach: the wiring (config) and the signed-in actor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jinja2
from aiohttp import web

from admin.jobs import JobRegistry
from admin.tokens import Session
from i18n import Translator
from mentoring.people.access import Scope
from mentoring.stats.service import StatsService
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry, load_definitions

__all__ = ["ACTOR", "CONTEXT", "Actor", "AdminConfig", "AdminContext", "actor_of", "context_of"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AdminConfig:
    db: Database
    translator: Translator
    secret: str
    base_url: str  # public, for links and for the cookie's Secure flag
    bot_username: Callable[[], Awaitable[str]]
    stats: StatsService  # the report, charts and workbook, as for the chat's /stats
    clock: Callable[[], datetime] = _utcnow

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


@dataclass(slots=True)
class AdminContext:
    config: AdminConfig
    templates: jinja2.Environment
    jobs: JobRegistry = field(default_factory=JobRegistry)
    # The questionnaires, for launching waves and telling new pairs about each other.
    registry: Registry = field(default_factory=load_definitions)


@dataclass(frozen=True, slots=True)
class Actor:
    person: Person
    scope: Scope
    session: Session
    csrf: str

    @property
    def locale(self) -> str:
        return self.person.locale


CONTEXT = web.AppKey("admin_context", AdminContext)
# aiohttp ≥ 3.13 types per-request storage with RequestKey; older ones take a plain string.
ACTOR: Any = web.RequestKey("admin_actor", Actor) if hasattr(web, "RequestKey") else "admin_actor"


def context_of(request: web.Request) -> AdminContext:
    return request.config_dict[CONTEXT]


def actor_of(request: web.Request) -> Actor:
    """The signed-in actor; the session middleware guarantees one on every private page."""
    actor = request.get(ACTOR)
    if not isinstance(actor, Actor):
        raise web.HTTPUnauthorized()
    return actor
