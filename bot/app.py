"""The main job: bot (long polling or a webhook, through the inbox), scheduler and web server
on one loop."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from admin.secret import ensure_secret_key
from bot.database import open_database
from bot.factory import build_bot, build_dispatcher
from bot.outbox_dispatcher import OutboxDispatcher
from bot.polling import run_polling
from bot.settings import Settings, SettingsError
from bot.web import build_web_app, check_listen, listen_error, mount_sandbox_page, start_web
from bot.webhook import run_webhook, webhook_receiver
from i18n import load_translator
from mentoring.stats.service import StatsService
from scheduler.clock import SystemClock
from scheduler.jobs import MeetingPlanner
from scheduler.leader import LeaderLoop
from scheduler.rate_limit import RateLimiter
from scheduler.setup import build_scheduler
from scheduler.stats_refresh import StatsRefresher
from storage.leadership import election_for
from surveys.definitions import DefinitionError, load_definitions

__all__ = ["SANDBOX_BOT_USERNAME", "SANDBOX_TOKEN", "run"]

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "1000000001:sandbox-embedded"
SANDBOX_BOT_USERNAME = "mentor_sandbox_bot"
SANDBOX_HOST = "127.0.0.1"


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


async def _check_ports(settings: Settings) -> None:
    """A busy port or an unknown host stops the start as one line, before anything else."""
    await check_listen(
        settings.web_host, settings.web_port, host_setting="WEB_HOST", port_setting="WEB_PORT"
    )
    if settings.sandbox_mode:
        await check_listen(
            SANDBOX_HOST,
            settings.sandbox_port,
            host_setting="SANDBOX_PORT",
            port_setting="SANDBOX_PORT",
        )


async def run(settings: Settings) -> None:
    await _check_ports(settings)
    try:
        registry = load_definitions()
    except DefinitionError as exc:
        raise SettingsError(f"questionnaire definitions: {exc}") from None
    db = await open_database(settings, migrate=True)
    translator = load_translator()
    if db.shared and settings.secret_key is None:
        log.warning(
            "SECRET_KEY is not set: replicas sharing this database must share one key, or a "
            "login link made by one is refused by another (README, Deployment)"
        )
    try:
        settings = ensure_secret_key(settings)  # signs back-office login links and sessions
    except SettingsError:
        await db.close()
        raise
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
                host=SANDBOX_HOST, port=settings.sandbox_port, bot_username=SANDBOX_BOT_USERNAME
            )
            mount_sandbox_page(sandbox.app, translator)
            try:
                await sandbox.start()
            except OSError as exc:
                raise listen_error(
                    exc,
                    SANDBOX_HOST,
                    settings.sandbox_port,
                    host_setting="SANDBOX_PORT",
                    port_setting="SANDBOX_PORT",
                ) from None
            stack.push_async_callback(sandbox.stop)
            api_base = sandbox.base_url
            sandbox_page_url = f"{sandbox.base_url}/sandbox"
            _announce_sandbox(sandbox.base_url)
        bot = build_bot(token, api_base)
        stats = StatsService(db, translator)
        stats.start_worker()  # charts and workbooks off the bot's event loop
        stack.callback(stats.close)
        dispatcher = build_dispatcher(settings, db, translator, registry, stats)
        webhook = webhook_receiver(settings, bot)  # None: long polling
        web_app = build_web_app(
            db,
            settings=settings,
            translator=translator,
            bot=bot,
            sandbox_page_url=sandbox_page_url,
            stats=stats,
            webhook=webhook,
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
            db,
            bot,
            clock,
            limiter,
            lease_seconds=settings.outbox_lease,
            quiet_start=quiet_start,
            quiet_end=quiet_end,
        ).start(scheduler)
        MeetingPlanner(  # reminders, nudges, digests
            db, translator, clock, registry, weekly_digest=settings.digest_frequency == "weekly"
        ).start(scheduler, interval_seconds=settings.plan_interval)
        StatsRefresher(db, clock).start(scheduler)  # snapshots for region-wide /stats
        # Every replica has the jobs; only the elected one runs them (scheduler/leader.py).
        scheduler.start(paused=True)
        stack.callback(scheduler.shutdown, wait=False)
        leader = LeaderLoop(election_for(db.engine), scheduler)
        await leader.step()  # SQLite, or the first replica up: leads at once
        if db.shared:
            leader.start()
        stack.push_async_callback(leader.stop)
        # Either door acknowledges an update only once it is in the inbox.
        if webhook is not None:
            await run_webhook(dispatcher, bot, db, webhook)
        else:
            await run_polling(dispatcher, bot, db)
