"""Notes from third parties on the mentee's person page: the notes his curator may read (each
read audited by the service), the requests with the author's link, and the forms to request
a note (the consent question goes to the chat first) or enter one on an agreed request."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import visible_person
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect
from mentoring.notes import access
from mentoring.notes.consent import request_note
from mentoring.notes.telling import AUTHOR_ROLES
from mentoring.notes.writing import MAX_NOTE, NoteProblem, enter_note
from mentoring.people.invites import deep_link
from storage.people import Person

__all__ = ["notes_section", "routes"]

routes = web.RouteTableDef()

DONE = ("asked", "entered")
PROBLEMS = (
    "not_yours",
    "bad_role",
    "not_in_chat",
    "no_parent_consent",
    "parent_not_in_chat",
    "no_consent",
    "used",
    "expired",
    "empty",
    "too_long",
)


async def notes_section(request: web.Request, actor: Actor, person: Person) -> dict[str, Any]:
    """The values person.html's notes section reads; no section (None) for whoever is not
    this mentee's curator."""
    view = None
    if "mentee" in person.roles:
        view = await access.curator_view(
            context_of(request).config.db, actor.person, person.id, via="web"
        )
    links = {}
    if view is not None and any(r.code for r in view.requests):
        username = await context_of(request).config.bot_username()
        links = {r.id: deep_link(username, r.code) for r in view.requests if r.code}
    done = request.query.get("notes", "")
    problem = request.query.get("notes_problem", "")
    return {
        "notes_view": view,
        "notes_links": links,
        "note_roles": AUTHOR_ROLES,
        "note_limit": MAX_NOTE,
        "notes_done": done if done in DONE else "",
        "notes_problem": problem if problem in PROBLEMS else "",
        "bot_t": bot_texts(request, actor),
    }


def _back(person: Person, **query: str) -> web.Response:
    (key, value), *_ = query.items()
    return redirect(f"{BASE}/people/{person.id}?{key}={value}#notes")


@routes.post("/people/{person_id}/notes/request", name="person_note_request")
async def note_request(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    form = await request.post()
    ctx = context_of(request)
    outcome = await request_note(
        ctx.config.db,
        ctx.config.translator,
        curator=actor.person,
        mentee_id=person.id,
        author_role=str(form.get("role", "")),
        now=ctx.config.clock(),
    )
    if outcome.problem is not None:
        return _back(person, notes_problem=outcome.problem.value)
    return _back(person, notes="asked")


@routes.post("/people/{person_id}/notes/enter", name="person_note_enter")
async def note_enter(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    form = await request.post()
    ctx = context_of(request)
    raw_id = str(form.get("request", ""))
    if not raw_id.isdigit():
        raise web.HTTPBadRequest()
    _, problem = await enter_note(
        ctx.config.db,
        ctx.config.translator,
        curator=actor.person,
        request_id=int(raw_id),
        text=str(form.get("text", "")),
        now=ctx.config.clock(),
    )
    if problem is NoteProblem.NOT_YOURS or problem is NoteProblem.UNKNOWN:
        raise web.HTTPForbidden()
    if problem is not None:
        return _back(person, notes_problem=problem.value)
    return _back(person, notes="entered")
