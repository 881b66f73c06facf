"""Cases (кейсы): the pairs' write-ups of a school year, the best selected as cases, the
mentors asked for theirs, and the «Кейсы наставничества» document.

The same services as the chat's /cases (`mentoring.cases`): a curator sees and selects his
organisations' write-ups; a coordinator sees the cases selected in his scope, read-only.
"""

from __future__ import annotations

from aiohttp import web

from admin.context import actor_of, context_of
from admin.guards import id_in_path, require_manage, visible_organisation
from admin.pages.documents import _download
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect, render
from mentoring.cases.requests import ask_for_cases
from mentoring.cases.selection import select_case, visible_writeups
from mentoring.documents.cases import cases_document
from mentoring.documents.notes import DocumentScope
from mentoring.stats.periods import school_year_of
from storage import organisations as org_store

__all__ = ["routes"]

NOTICES = ("selected", "unselected", "already", "asked", "nothing")
routes = web.RouteTableDef()


def _year(request: web.Request) -> int:
    current = school_year_of(context_of(request).config.clock().date())
    raw = request.query.get("year", "")
    return int(raw) if raw.isdigit() and abs(int(raw) - current) <= 5 else current


@routes.get("/cases", name="cases")
async def cases_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    if len(organisations) == 1:
        return redirect(f"{BASE}/cases/{organisations[0].id}")
    return render(request, "org_index.html", organisations=organisations, section="cases")


@routes.get("/cases/{org_id}", name="cases_organisation")
async def cases_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    year = _year(request)
    writeups = await visible_writeups(ctx.config.db, actor.person, organisation.id, year) or []
    current = school_year_of(ctx.config.clock().date())
    done = request.query.get("done", "")
    asked = request.query.get("n", "")
    return render(
        request,
        "cases.html",
        organisation=organisation,
        writeups=writeups,
        year=year,
        years=[current - offset for offset in range(3)],
        can_manage=actor.scope.manages(organisation.id),
        done=done if done in NOTICES else "",
        asked=int(asked) if asked.isdigit() and len(asked) < 6 else 0,
        bt=bot_texts(request, actor),
    )


async def _select(request: web.Request, *, selected: bool) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    writeup_id = id_in_path(request, "writeup_id")
    ctx = context_of(request)
    listed = await visible_writeups(ctx.config.db, actor.person, organisation.id, _year(request))
    if not any(w.id == writeup_id for w in listed or ()):
        raise web.HTTPNotFound()
    result = await select_case(
        ctx.config.db, actor.person, writeup_id, selected=selected, now=ctx.config.clock()
    )
    if result == "forbidden":
        raise web.HTTPForbidden()
    if result == "missing":
        raise web.HTTPNotFound()
    return redirect(f"{BASE}/cases/{organisation.id}?year={_year(request)}&done={result}")


@routes.post("/cases/{org_id}/writeups/{writeup_id}/select", name="cases_select")
async def case_select(request: web.Request) -> web.Response:
    return await _select(request, selected=True)


@routes.post("/cases/{org_id}/writeups/{writeup_id}/unselect", name="cases_unselect")
async def case_unselect(request: web.Request) -> web.Response:
    return await _select(request, selected=False)


@routes.post("/cases/{org_id}/ask", name="cases_ask")
async def cases_ask(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    ctx = context_of(request)
    asked = await ask_for_cases(
        ctx.config.db, ctx.config.translator, actor.person, organisation.id, ctx.config.clock()
    )
    if isinstance(asked, str):
        raise web.HTTPForbidden()
    return redirect(f"{BASE}/cases/{organisation.id}?done=asked&n={asked.queued}")


@routes.get("/cases/{org_id}/cases.docx", name="cases_document")
async def cases_docx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    year = _year(request)
    scope = DocumentScope(frozenset({organisation.id}), organisation.name)
    document = await cases_document(
        ctx.config.db, ctx.config.translator, scope, year, ctx.config.clock()
    )
    if document is None:
        return redirect(f"{BASE}/cases/{organisation.id}?year={year}&done=nothing")
    return _download(document)
