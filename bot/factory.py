"""Builds the Bot and the Dispatcher from settings; everything handlers need is passed in."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.commands import ChatMenus, MenuMiddleware
from bot.flood import Cooldown, FloodLimit, FloodMiddleware
from bot.fsm_storage import SQLStorage
from bot.middlewares import PersonMiddleware
from bot.settings import Settings
from handlers import get_routers
from i18n import Translator
from mentoring.questionnaires.service import QuestionnaireService
from mentoring.stats.service import StatsService
from scheduler.clock import Clock, SystemClock
from storage.db import Database
from surveys.definitions import Registry, load_definitions

__all__ = ["build_bot", "build_dispatcher"]


def build_bot(token: str, api_base: str | None) -> Bot:
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else AiohttpSession()
    )
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    settings: Settings,
    db: Database,
    translator: Translator,
    registry: Registry | None = None,
    stats: StatsService | None = None,
    clock: Clock | None = None,
) -> Dispatcher:
    """`stats`: the app's, with its worker process; by default one working in this process.
    `clock`: what the flood limit reads (a test's FakeClock); the system's by default."""
    clock = clock or SystemClock()
    registry = registry or load_definitions()
    menus = ChatMenus()
    dispatcher = Dispatcher(
        storage=SQLStorage(db, DefaultKeyBuilder(with_destiny=True)),
        # One update at a time per chat: a double tap is then seen as already handled.
        events_isolation=SimpleEventIsolation(),
        settings=settings,
        db=db,
        translator=translator,
        registry=registry,
        questionnaires=QuestionnaireService(db, registry, translator),
        stats=stats or StatsService(db, translator),
        menus=menus,
    )
    dispatcher.update.outer_middleware(PersonMiddleware(db, translator))
    dispatcher.update.outer_middleware(  # after the person: the busy notice is in his language
        FloodMiddleware(
            FloodLimit(clock, settings.flood_rate, settings.flood_burst),
            Cooldown(clock, settings.heavy_cooldown),
        )
    )
    dispatcher.update.outer_middleware(MenuMiddleware(menus))  # roles changed anywhere
    dispatcher.include_routers(*get_routers())
    return dispatcher
