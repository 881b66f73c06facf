"""Meetings of pairs (встречи): per organisation, upcoming and past; held / not held.

The outcome goes through `mentoring.meetings.record_outcome`, the same service as the
chat's buttons: it checks the rights again and starts the feedback questionnaires.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from admin.context import actor_of, context_of
from admin.guards import id_in_path, require_manage, visible_organisation
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect, render
from mentoring import meetings as meeting_service
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.meetings import Meeting

__all__ = ["routes"]

OPEN_STATUSES = ("proposed", "confirmed")  # an outcome may still be recorded
NOTICES = ("held", "not_held")
PROBLEMS = ("no_rights", "stale", "not_yet")

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class MeetingRow:
    meeting: Meeting
    pair: str  # "mentor — mentees", or "" for the all-pairs meeting
    open: bool  # started, not cancelled/declined, no outcome yet


@routes.get("/meetings", name="meetings")
async def meetings_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    if len(organisations) == 1:
        return redirect(f"{BASE}/meetings/{organisations[0].id}")
    return render(request, "org_index.html", organisations=organisations, section="meetings")


async def _pair_names(request: web.Request, meetings: list[Meeting]) -> dict[int, str]:
    names: dict[int, str] = {}
    async with context_of(request).config.db.connect() as conn:
        for pair_id in {m.pair_id for m in meetings if m.pair_id is not None}:
            pair = await pair_store.get_pair(conn, pair_id)
            if pair is None:
                continue
            found = [await people_store.get(conn, p) for p in (pair.mentor_id, *pair.mentee_ids)]
            labels = [(p.full_name or "—") if p else "—" for p in found]
            names[pair_id] = f"{labels[0]} — {', '.join(labels[1:])}"
    return names


@routes.get("/meetings/{org_id}", name="meetings_organisation")
async def meetings_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    now = ctx.config.clock()
    async with ctx.config.db.connect() as conn:
        found = await meeting_store.of_organisation(conn, organisation.id)
    names = await _pair_names(request, found)
    rows = [
        MeetingRow(
            m,
            names.get(m.pair_id, "—") if m.pair_id is not None else "",
            m.starts_at <= now and m.status in OPEN_STATUSES,
        )
        for m in found
    ]
    done = request.query.get("done", "")
    problem = request.query.get("problem", "")
    return render(
        request,
        "meetings.html",
        organisation=organisation,
        upcoming=[r for r in rows if r.meeting.starts_at > now],
        past=[r for r in reversed(rows) if r.meeting.starts_at <= now],
        can_manage=actor.scope.manages(organisation.id),
        bt=bot_texts(request, actor),
        done=done if done in NOTICES else "",
        problem=problem if problem in PROBLEMS else "",
    )


@routes.post("/meetings/{org_id}/{meeting_id}/outcome", name="meetings_outcome")
async def meetings_outcome(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    meeting_id = id_in_path(request, "meeting_id")
    ctx = context_of(request)
    async with ctx.config.db.connect() as conn:
        meeting = await meeting_store.get(conn, meeting_id)
    if meeting is None or meeting.organisation_id != organisation.id:
        raise web.HTTPNotFound()  # another school's meeting is not confirmed to exist
    require_manage(actor, organisation.id)
    form = await request.post()
    held = str(form.get("held", ""))
    if held not in ("1", "0"):
        raise web.HTTPBadRequest()
    outcome = await meeting_service.record_outcome(
        ctx.config.db,
        ctx.config.translator,
        ctx.registry,
        actor.person,
        meeting.id,
        held=held == "1",
        now=ctx.config.clock(),
    )
    back = f"{BASE}/meetings/{organisation.id}"
    if not outcome.ok:
        return redirect(f"{back}?problem={quote(outcome.reason)}")
    return redirect(f"{back}?done={'held' if held == '1' else 'not_held'}")
