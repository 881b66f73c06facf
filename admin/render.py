"""Server-rendered pages: Jinja2 templates with the actor's texts (`t`) and CSRF token."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from admin.context import ACTOR, Actor, context_of
from i18n import Texts, pick_locale
from i18n.wording import period_title, zone_label

__all__ = ["BASE", "TEMPLATES_DIR", "make_templates", "redirect", "render", "texts_for"]

BASE = "/admin"
TEMPLATES_DIR = Path(__file__).parent / "templates"
DISPLAY_TIMEZONE = "Europe/Moscow"


def _local(moment: datetime | None, timezone: str = DISPLAY_TIMEZONE) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _zone(zone: str, locale: str) -> str:
    return zone_label(zone, locale, datetime.now(UTC))


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(("html",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = _local
    env.filters["day"] = _day
    env.globals["period_title"] = period_title  # «IV квартал 2026», not the code 2026-Q4
    env.filters["zone"] = _zone  # «Москва (UTC+3)», not Europe/Moscow
    return env


def texts_for(request: web.Request) -> tuple[str, Texts]:
    """The actor's locale, or the browser's for pages before login; `t` reads admin.* keys."""
    actor = request.get(ACTOR)
    if isinstance(actor, Actor):
        locale = actor.locale
    else:
        locale = pick_locale(request.headers.get("Accept-Language", "ru")[:2])
    translator = context_of(request).config.translator

    def t(key: str, /, **params: Any) -> str:
        if not translator.has(f"admin.{key}"):
            # A value added elsewhere (a new status, a new consent kind) shows as its code
            # rather than breaking the page; literal keys are checked by the tests.
            return key.rsplit(".", 1)[-1]
        return translator.get(locale, f"admin.{key}", **params)

    return locale, t


def render(
    request: web.Request, template: str, *, status: int = 200, **values: Any
) -> web.Response:
    locale, t = texts_for(request)
    actor = request.get(ACTOR)
    page = context_of(request).templates.get_template(template)
    html = page.render(
        t=t,
        locale=locale,
        actor=actor if isinstance(actor, Actor) else None,
        csrf=actor.csrf if isinstance(actor, Actor) else "",
        base=BASE,
        path=request.path,
        **values,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: after a POST the browser GETs the result (no re-POST on reload)."""
    return web.Response(status=303, headers={"Location": location})
