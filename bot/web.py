"""The process's web server (aiohttp.web): health, the back office at /admin, in webhook
mode the route Telegram posts updates to, and in sandbox mode a pointer to the sandbox's
browser chat page."""

from __future__ import annotations

import asyncio
import errno
import socket

from aiogram import Bot
from aiohttp import web
from aiohttp.typedefs import Handler

from admin import AdminConfig, build_admin_app
from admin.app import CLIENT_MAX_SIZE
from bot.settings import Settings, SettingsError
from bot.webhook import WebhookReceiver
from i18n import LOCALES, Translator
from mentoring.stats.service import StatsService
from sandbox.web import install_chat_page
from storage.db import Database

__all__ = ["build_web_app", "check_listen", "listen_error", "mount_sandbox_page", "start_web"]

SANDBOX_TEXTS_PREFIX = "admin.sandbox."


async def _healthz(request: web.Request) -> web.Response:
    db: Database = request.app["db"]
    await db.ping()
    return web.json_response({"ok": True})


def _admin_config(
    settings: Settings, db: Database, translator: Translator, bot: Bot, stats: StatsService
) -> AdminConfig:
    assert settings.secret_key is not None, "call admin.secret.ensure_secret_key first"

    async def bot_username() -> str:
        if settings.bot_username:
            return settings.bot_username
        return (await bot.me()).username or ""

    return AdminConfig(
        db=db,
        translator=translator,
        stats=stats,
        secret=settings.secret_key.get_secret_value(),
        base_url=settings.web_base_url,
        bot_username=bot_username,
    )


def build_web_app(
    db: Database,
    *,
    settings: Settings | None = None,
    translator: Translator | None = None,
    bot: Bot | None = None,
    sandbox_page_url: str | None = None,
    stats: StatsService | None = None,
    webhook: WebhookReceiver | None = None,
) -> web.Application:
    """Health always; the back office when settings, texts and the bot are given."""
    app = web.Application(client_max_size=CLIENT_MAX_SIZE)
    app["db"] = db
    app.router.add_get("/healthz", _healthz)
    if settings is not None and translator is not None and bot is not None:
        app.router.add_get("/admin", _redirect_to("/admin/"))
        config = _admin_config(settings, db, translator, bot, stats or StatsService(db, translator))
        app.add_subapp("/admin", build_admin_app(config))
    if sandbox_page_url:
        app.router.add_get("/sandbox", _redirect_to(sandbox_page_url))
    if webhook is not None:
        webhook.mount(app)
    return app


def _redirect_to(location: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(location)

    return handler


def mount_sandbox_page(sandbox_app: web.Application, translator: Translator) -> None:
    """The browser chat page on the sandbox server (call before the sandbox starts)."""
    texts = {
        locale: {
            key.removeprefix(SANDBOX_TEXTS_PREFIX): text
            for key, text in translator.catalogs[locale].items()
            if key.startswith(SANDBOX_TEXTS_PREFIX)
        }
        for locale in LOCALES
    }
    install_chat_page(sandbox_app, texts)


def listen_error(
    exc: OSError, host: str, port: int, *, host_setting: str, port_setting: str
) -> SettingsError:
    """Why the server cannot listen, as one line naming the setting to change."""
    if isinstance(exc, socket.gaierror):
        return SettingsError(f"setting {host_setting}: cannot resolve {host!r} ({exc.strerror})")
    if exc.errno == errno.EADDRINUSE:
        return SettingsError(
            f"setting {port_setting}: port {port} on {host} is already in use "
            "(another program, or the bot already running?)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return SettingsError(f"setting {host_setting}: {host!r} is not an address of this machine")
    if exc.errno == errno.EACCES:
        return SettingsError(
            f"setting {port_setting}: no permission to listen on port {port} (below 1024 needs root)"
        )
    return SettingsError(f"setting {port_setting}: cannot listen on {host}:{port}: {exc}")


async def check_listen(host: str, port: int, *, host_setting: str, port_setting: str) -> None:
    """Bind host:port and let go at once: a busy port or a bad host becomes one line before
    anything has started or logged. (The real bind can still lose a race; it says the same.)"""
    try:
        server = await asyncio.get_running_loop().create_server(
            asyncio.Protocol, host, port, reuse_address=True
        )
    except OSError as exc:
        raise listen_error(
            exc, host, port, host_setting=host_setting, port_setting=port_setting
        ) from None
    server.close()
    await server.wait_closed()


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise listen_error(
            exc, host, port, host_setting="WEB_HOST", port_setting="WEB_PORT"
        ) from None
    return runner
