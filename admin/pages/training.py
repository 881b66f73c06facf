"""Mentor training and webinars in the back office: the school year's schedule in scope (and
as XLSX), one session's invitees with attendance marks, a mentor's status on his page.

Everything goes through `mentoring.training`, as for the chat's /training."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import id_in_path
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect, render
from mentoring.stats.periods import school_year_of
from mentoring.training import answers, service
from mentoring.training.export import schedule_workbook
from mentoring.training.status import is_trained
from storage import organisations as org_store
from storage import training as store
from storage.people import Person
from storage.training import TrainingSession

__all__ = ["routes", "training_section"]

routes = web.RouteTableDef()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _schedule(request: web.Request, actor: Actor) -> list[dict[str, Any]]:
    ctx = context_of(request)
    year = school_year_of(ctx.config.clock().date())
    ids = actor.scope.organisation_ids
    db = ctx.config.db
    sessions = await service.sessions_of_organisations(
        db, None if ids is None else sorted(ids), year
    )
    async with db.connect() as conn:
        names = {o.id: o.name for o in await org_store.list_all(conn)}
        return [
            {
                "session": s,
                "invited": await store.invitations(conn, s.id),
                "organisations": ", ".join(names.get(o, "—") for o in s.organisation_ids),
            }
            for s in sessions
        ]


@routes.get("/training", name="training")
async def training_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    year = school_year_of(context_of(request).config.clock().date())
    return render(
        request,
        "training.html",
        rows=await _schedule(request, actor),
        year=f"{year}/{(year + 1) % 100:02d}",
        bt=bot_texts(request, actor),
    )


@routes.get("/training.xlsx", name="training_xlsx")
async def training_xlsx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    rows = await _schedule(request, actor)
    translator = context_of(request).config.translator
    data = schedule_workbook(
        [(r["session"], r["invited"], r["organisations"]) for r in rows],
        translator.bind(actor.locale),
    )
    return web.Response(
        body=data,
        content_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="training.xlsx"'},
    )


async def _visible_session(request: web.Request, actor: Actor) -> TrainingSession:
    async with context_of(request).config.db.connect() as conn:
        session = await store.get(conn, id_in_path(request, "session_id"))
    if session is None or not any(actor.scope.sees(o) for o in session.organisation_ids):
        raise web.HTTPNotFound()
    return session


@routes.get("/training/{session_id}", name="training_session")
async def training_session(request: web.Request) -> web.Response:
    actor = actor_of(request)
    session = await _visible_session(request, actor)
    ctx = context_of(request)
    invited = await service.invitations_of(ctx.config.db, session.id)
    done = request.query.get("done", "")
    return render(
        request,
        "training_session.html",
        session=session,
        bt=bot_texts(request, actor),
        invited=invited,
        started=session.starts_at <= ctx.config.clock(),
        can_mark=await service.may_manage(ctx.config.db, actor.person, session),
        done=done if done in ("marked", "unchanged", "trained") else "",
    )


@routes.post("/training/{session_id}/attendance", name="training_attendance")
async def training_attendance(request: web.Request) -> web.Response:
    actor = actor_of(request)
    session = await _visible_session(request, actor)
    form = await request.post()
    raw_person, raw_present = str(form.get("person", "")), str(form.get("present", ""))
    if not raw_person.isdigit() or len(raw_person) > 12 or raw_present not in ("0", "1"):
        raise web.HTTPBadRequest()
    ctx = context_of(request)
    result = await answers.mark(
        ctx.config.db,
        actor.person,
        session.id,
        int(raw_person),
        raw_present == "1",
        ctx.config.clock(),
    )
    if result.status == "forbidden":
        raise web.HTTPForbidden()
    if result.status in ("stale", "not_started"):
        raise web.HTTPBadRequest()
    done = "trained" if result.trained_organisations else result.status
    return redirect(f"{BASE}/training/{session.id}?done={done}")


async def training_section(request: web.Request, person: Person) -> dict[str, Any]:
    """A mentor's training status this school year, in words, for his page."""
    if "mentor" not in person.roles:
        return {"training_status": None}
    ctx = context_of(request)
    year = school_year_of(ctx.config.clock().date())
    async with ctx.config.db.connect() as conn:
        trained = await is_trained(conn, person.id, year)
    t = bot_texts(request, actor_of(request))
    return {"training_status": t(f"training.status.{'trained' if trained else 'untrained'}")}
