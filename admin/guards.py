"""Scope checks for object ids in URLs: whatever is out of the actor's scope does not exist."""

from __future__ import annotations

from aiohttp import web

from admin.context import Actor, context_of
from storage import organisations as org_store
from storage import people as people_store
from storage.organisations import Organisation
from storage.people import Person

__all__ = ["id_in_path", "require_manage", "visible_organisation", "visible_person"]


def id_in_path(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound()
    return int(raw)


async def visible_organisation(
    request: web.Request, actor: Actor, name: str = "org_id"
) -> Organisation:
    organisation_id = id_in_path(request, name)
    if not actor.scope.sees(organisation_id):
        raise web.HTTPNotFound()  # not 403: another school's ids are not even confirmed
    async with context_of(request).config.db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
    if organisation is None:
        raise web.HTTPNotFound()
    return organisation


def require_manage(actor: Actor, organisation_id: int) -> None:
    if not actor.scope.manages(organisation_id):
        raise web.HTTPForbidden()


async def visible_person(request: web.Request, actor: Actor, name: str = "person_id") -> Person:
    person_id = id_in_path(request, name)
    async with context_of(request).config.db.connect() as conn:
        person = await people_store.get(conn, person_id)
    if person is None:
        raise web.HTTPNotFound()
    if actor.scope.is_admin or person.id == actor.person.id:
        return person
    if not any(actor.scope.sees(m.organisation_id) for m in person.memberships):
        raise web.HTTPNotFound()
    return person
