"""The audit log: who did what, filterable by action and date; names only of people in scope."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from admin.audit_text import action_label, describe
from admin.context import actor_of, context_of
from admin.render import DISPLAY_TIMEZONE, render, texts_for
from storage import backoffice
from storage import organisations as org_store

__all__ = ["routes"]

PAGE_SIZE = 100

routes = web.RouteTableDef()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(DISPLAY_TIMEZONE))


@routes.get("/audit", name="audit")
async def audit_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    since, until = _day(request.query.get("since", "")), _day(request.query.get("until", ""))
    page_raw = request.query.get("page", "1")
    page = max(1, int(page_raw)) if page_raw.isdigit() and len(page_raw) < 6 else 1
    async with context_of(request).config.db.connect() as conn:
        actions = await backoffice.audit_actions(conn)
        action = request.query.get("action", "")
        rows = await backoffice.audit_rows(
            conn,
            scope_ids,
            action=action if action in actions else None,
            since=_start_of(since) if since else None,
            until=_start_of(until + timedelta(days=1)) if until else None,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        mentioned = {r.actor_person_id for r in rows if r.actor_person_id is not None}
        mentioned |= {
            int(r.object_id)
            for r in rows
            if r.object_type == "person" and r.object_id and r.object_id.isdigit()
        }
        names = await backoffice.names_in_scope(conn, mentioned, scope_ids)
        organisations = {}
        for org_id in {
            int(r.object_id)
            for r in rows
            if r.object_type == "organisation" and r.object_id and r.object_id.isdigit()
        }:
            found = await org_store.get(conn, org_id) if actor.scope.sees(org_id) else None
            if found is not None:
                organisations[f"organisation:{org_id}"] = found.name
    ctx = context_of(request)
    locale, t = texts_for(request)

    def has(key: str) -> bool:
        return ctx.config.translator.has(f"admin.{key}")

    language = "en" if locale == "en" else "ru"
    titles = {defn.code: defn.title.get(language) for defn in ctx.registry}
    objects = organisations | {f"person:{pid}": name for pid, name in names.items()}
    return render(
        request,
        "audit.html",
        rows=[
            (row, describe(row, t, has, names=objects, titles=titles)) for row in rows[:PAGE_SIZE]
        ],
        more=len(rows) > PAGE_SIZE,
        page=page,
        names=names,
        actions=[(name, action_label(name, t, has)) for name in actions],
        action=action if action in actions else "",
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
    )
