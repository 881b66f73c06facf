"""A browser chat page for the sandbox: chat with the bot as made-up Telegram users.

Served by the sandbox server itself at GET /sandbox, next to the control API it calls, so
the page needs no proxy and no CORS. Plain HTML + JS polling the control API, no build.
Texts come from the caller (the bot's locale files), keyed without the `admin.sandbox.` prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2
from aiohttp import web

from sandbox.control import STATE_KEY

__all__ = ["PAGE_PATH", "install_chat_page"]

PAGE_PATH = "/sandbox"
_DIR = Path(__file__).parent
_TEXTS = web.AppKey("sandbox_page_texts", dict)
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_DIR / "templates"),
    autoescape=jinja2.select_autoescape(("html",)),
    undefined=jinja2.StrictUndefined,
)


def _locale(request: web.Request, available: Mapping[str, object]) -> str:
    wanted = request.query.get("lang") or request.headers.get("Accept-Language", "")[:2]
    if wanted in available:
        return wanted
    return "ru" if "ru" in available else next(iter(available))


async def chat_page(request: web.Request) -> web.Response:
    catalogs: dict[str, dict[str, str]] = request.app[_TEXTS]
    locale = _locale(request, catalogs)
    html = _TEMPLATES.get_template("chat.html").render(
        t=catalogs[locale],
        locale=locale,
        bot_username=request.app[STATE_KEY].bot_username,
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def install_chat_page(app: web.Application, texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add GET /sandbox and its static files to a sandbox app (before it is started)."""
    app[_TEXTS] = {locale: dict(catalog) for locale, catalog in texts.items()}
    app.router.add_get(PAGE_PATH, chat_page)
    app.router.add_static(f"{PAGE_PATH}/static", _DIR / "static")
