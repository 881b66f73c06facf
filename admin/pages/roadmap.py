"""The roadmap (дорожная карта) of an organisation: items, overdue ones, mark done, import.

Everything goes through `mentoring.roadmap.service`: the yearly template, its dates and the
rights to mark an item done live there, as for the chat's /roadmap.
"""

from __future__ import annotations

from datetime import date

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import id_in_path, require_manage, visible_organisation
from admin.render import BASE, redirect, render
from mentoring.roadmap import service as roadmap
from storage import organisations as org_store
from storage.organisations import Organisation

__all__ = ["routes"]

NOTICES = ("done", "already", "imported")

routes = web.RouteTableDef()


def school_year(today: date) -> int:
    """The first calendar year of the school year `today` is in (from August on)."""
    return today.year if today.month >= roadmap.FIRST_MONTH else today.year - 1


@routes.get("/roadmap", name="roadmap")
async def roadmap_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    if len(organisations) == 1:
        return redirect(f"{BASE}/roadmap/{organisations[0].id}")
    return render(request, "org_index.html", organisations=organisations, section="roadmap")


@routes.get("/roadmap/{org_id}", name="roadmap_organisation")
async def roadmap_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    today = ctx.config.clock().date()
    items = await roadmap.items_of(ctx.config.db, organisation.id)
    year = school_year(today)
    done = request.query.get("done", "")
    added = request.query.get("added", "")
    return render(
        request,
        "roadmap.html",
        organisation=organisation,
        items=items,
        today=today,
        can_manage=actor.scope.manages(organisation.id),
        years=(year - 1, year, year + 1),
        year=year,
        done=done if done in NOTICES else "",
        added=int(added) if added.isdigit() and len(added) < 6 else 0,
    )


async def _managed(request: web.Request) -> tuple[Actor, Organisation]:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    return actor, organisation


@routes.post("/roadmap/{org_id}/import", name="roadmap_import")
async def roadmap_import(request: web.Request) -> web.Response:
    _, organisation = await _managed(request)
    ctx = context_of(request)
    form = await request.post()
    raw = str(form.get("year", ""))
    current = school_year(ctx.config.clock().date())
    if not raw.isdigit() or abs(int(raw) - current) > 1:
        raise web.HTTPBadRequest()
    added = await roadmap.import_roadmap(
        ctx.config.db, [organisation.id], int(raw), now=ctx.config.clock()
    )
    return redirect(f"{BASE}/roadmap/{organisation.id}?done=imported&added={added}")


@routes.post("/roadmap/{org_id}/items/{item_id}/done", name="roadmap_done")
async def roadmap_done(request: web.Request) -> web.Response:
    actor, organisation = await _managed(request)
    ctx = context_of(request)
    item = await roadmap.items_of_id(ctx.config.db, id_in_path(request, "item_id"))
    if item is None or item.organisation_id != organisation.id:
        raise web.HTTPNotFound()
    result = await roadmap.mark_done(ctx.config.db, item.id, actor.person, ctx.config.clock())
    if result == "forbidden":
        raise web.HTTPForbidden()
    if result == "missing":
        raise web.HTTPNotFound()
    return redirect(f"{BASE}/roadmap/{organisation.id}?done={result}")
