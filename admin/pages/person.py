"""One person: memberships in scope, consents, the imported record and its personal link."""

from __future__ import annotations

from aiohttp import web

from admin.context import actor_of, context_of
from admin.guards import visible_person
from admin.qr import qr_svg
from admin.render import BASE, redirect, render
from mentoring.imports import remove_imported
from mentoring.invites import deep_link
from storage import consents
from storage import imports as import_store
from storage import organisations as org_store
from storage.imports import ImportInfo
from storage.people import Person

__all__ = ["routes"]

routes = web.RouteTableDef()


async def _record(request: web.Request, person: Person) -> tuple[ImportInfo | None, str | None]:
    """The imported record, and the personal link while he has not joined yet."""
    async with context_of(request).config.db.connect() as conn:
        info = (await import_store.infos(conn, [person.id])).get(person.id)
    if info is None or info.invite_code is None or person.status != "invited":
        return info, None
    return info, deep_link(await context_of(request).config.bot_username(), info.invite_code)


@routes.get("/people/{person_id}", name="person")
async def person_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    async with context_of(request).config.db.connect() as conn:
        consent_list = await consents.list_for_person(conn, person.id)
    info, link = await _record(request, person)
    memberships = [m for m in person.memberships if actor.scope.sees(m.organisation_id)]
    return render(
        request,
        "person.html",
        person=person,
        memberships=memberships,
        consents=consent_list,
        info=info,
        link=link,
        qr=qr_svg(link) if link else None,
        can_remove=link is not None
        and any(actor.scope.manages(m.organisation_id) for m in memberships),
    )


@routes.get("/people/{person_id}/print", name="person_print")
async def person_print(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    _, link = await _record(request, person)
    membership = next((m for m in person.memberships if actor.scope.sees(m.organisation_id)), None)
    if link is None or membership is None or membership.organisation_id is None:
        raise web.HTTPNotFound()
    async with context_of(request).config.db.connect() as conn:
        organisation = await org_store.get(conn, membership.organisation_id)
    return render(
        request,
        "invite_print.html",
        organisation=organisation,
        invite={"role": membership.role},
        link=link,
        qr=qr_svg(link, scale=8),
        person_name=person.full_name,
    )


@routes.post("/people/{person_id}/remove", name="person_remove")
async def person_remove(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    if not any(actor.scope.manages(m.organisation_id) for m in person.memberships):
        raise web.HTTPForbidden()
    db = context_of(request).config.db
    if not await remove_imported(db, person.id, actor_person_id=actor.person.id):
        raise web.HTTPBadRequest()
    return redirect(f"{BASE}/people?done=removed")
