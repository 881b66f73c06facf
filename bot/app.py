"""The main job: bot (long polling), scheduler and web server on one event loop."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from sqlalchemy.exc import SQLAlchemyError

from admin.secret import ensure_secret_key
from bot.factory import build_bot, build_dispatcher
from bot.i18n import load_translator
from bot.settings import Settings, SettingsError
from bot.web import build_web_app, mount_sandbox_page, start_web
from mentoring.stats_service import StatsService
from scheduler.clock import SystemClock
from scheduler.jobs import MeetingPlanner
from scheduler.outbox_dispatcher import OutboxDispatcher
from scheduler.rate_limit import RateLimiter
from scheduler.setup import build_scheduler
from scheduler.stats_refresh import StatsRefresher
from storage.db import Database
from storage.migrate import upgrade
from surveys.definitions import DefinitionError, load_definitions

__all__ = ["SANDBOX_BOT_USERNAME", "SANDBOX_TOKEN", "open_database", "run"]

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "1000000001:sandbox-embedded"
SANDBOX_BOT_USERNAME = "mentor_sandbox_bot"


async def open_database(settings: Settings, *, migrate: bool) -> Database:
    """Open (and migrate) the database, or raise a one-line `SettingsError`."""
    try:
        db = Database(settings.database_url)
    except ImportError as exc:
        raise SettingsError(
            f"setting DATABASE_URL: its driver is not installed ({exc.name}); "
            "for PostgreSQL install mentorbot[postgres]"
        ) from None
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise SettingsError(
            f"setting DATABASE_URL: cannot use it: {type(exc).__name__}: {exc}"
        ) from None
    try:
        await db.ping()
        if migrate:
            await upgrade(db)
    except (SQLAlchemyError, OSError) as exc:
        await db.close()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SettingsError(f"setting DATABASE_URL: cannot open the database: {reason}") from None
    return db


def _announce_sandbox(base_url: str) -> None:
    banner = "=" * 72
    for line in (
        banner,
        "SANDBOX MODE: no BOT_TOKEN is set, so the bot talks to the embedded Bot API sandbox",
        f"at {base_url} instead of Telegram. Nothing leaves this machine.",
        "Get a token from @BotFather and set BOT_TOKEN in .env to go live.",
        banner,
    ):
        log.warning(line)


async def run(settings: Settings) -> None:
    try:
        registry = load_definitions()
    except DefinitionError as exc:
        raise SettingsError(f"questionnaire definitions: {exc}") from None
    db = await open_database(settings, migrate=True)
    translator = load_translator()
    settings = ensure_secret_key(settings)  # signs back-office login links and sessions
    sandbox_page_url: str | None = None
    async with AsyncExitStack() as stack:
        stack.push_async_callback(db.close)
        token, api_base = (
            settings.bot_token.get_secret_value() if settings.bot_token else SANDBOX_TOKEN,
            settings.telegram_api_base,
        )
        if settings.sandbox_mode:
            from sandbox.server import SandboxServer

            sandbox = SandboxServer(
                host="127.0.0.1", port=settings.sandbox_port, bot_username=SANDBOX_BOT_USERNAME
            )
            mount_sandbox_page(sandbox.app, translator)
            await sandbox.start()
            stack.push_async_callback(sandbox.stop)
            api_base = sandbox.base_url
            sandbox_page_url = f"{sandbox.base_url}/sandbox"
            _announce_sandbox(sandbox.base_url)
        bot = build_bot(token, api_base)
        stats = StatsService(db, translator)
        stats.start_worker()  # charts and workbooks off the bot's event loop
        stack.callback(stats.close)
        dispatcher = build_dispatcher(settings, db, translator, registry, stats)
        web_app = build_web_app(
            db,
            settings=settings,
            translator=translator,
            bot=bot,
            sandbox_page_url=sandbox_page_url,
            stats=stats,
        )
        runner = await start_web(web_app, settings.web_host, settings.web_port)
        stack.push_async_callback(runner.cleanup)
        log.info("web.started url=http://%s:%s", settings.web_host, settings.web_port)
        log.info("admin.url %s/admin/ (log in with /admin in the bot)", settings.web_base_url)
        if sandbox_page_url:
            log.warning(
                "SANDBOX CHAT PAGE: open %s in a browser to chat as test users", sandbox_page_url
            )
        scheduler = build_scheduler(settings.default_timezone)
        clock = SystemClock()
        limiter = RateLimiter(
            clock, rate=settings.send_rate, per_chat_interval=settings.send_chat_interval
        )
        quiet_start, quiet_end = settings.quiet_window
        OutboxDispatcher(
            db, bot, clock, limiter, quiet_start=quiet_start, quiet_end=quiet_end
        ).start(scheduler)
        MeetingPlanner(  # reminders, nudges, digests
            db, translator, clock, registry, weekly_digest=settings.digest_frequency == "weekly"
        ).start(scheduler)
        StatsRefresher(db, clock).start(scheduler)  # snapshots for region-wide /stats
        scheduler.start()
        stack.callback(scheduler.shutdown, wait=False)
        await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)
