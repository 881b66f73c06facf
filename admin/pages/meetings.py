"""Meetings of pairs (встречи): per organisation, upcoming and past; held / not held.

The outcome goes through `mentoring.meetings.outcomes.record_outcome`, the same service as the
chat's buttons: it checks the rights again and starts the feedback questionnaires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from admin.context import actor_of, context_of
from admin.guards import id_in_path, require_manage, visible_organisation
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect, render
from mentoring.meetings import outcomes
from mentoring.meetings import service as meeting_service
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.meetings import Meeting

__all__ = ["routes"]

OPEN_STATUSES = ("proposed", "confirmed")  # an outcome may still be recorded
NOTICES = ("held", "not_held", "scheduled")
PROBLEMS = ("no_rights", "stale", "not_yet", "bad_kind", "past")
FORM_PROBLEMS = ("bad_when", "bad_place")  # the web form's own, before the service
MAX_PLACE = 300  # as the chat's meeting form
ALL_PAIRS_KIND = "group_final"  # the meeting of all pairs; the others are a pair's

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
        active = await pair_store.active_pairs(conn, organisation.id)
    names = await _pair_names(request, found)
    pair_choices = await _pair_choices(request, active)
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
        form_problem=problem if problem in FORM_PROBLEMS else "",
        pair_choices=pair_choices,
        kinds=[k for k in meeting_store.KINDS if k != ALL_PAIRS_KIND],
        all_pairs_kind=ALL_PAIRS_KIND,
        today=now.astimezone(ZoneInfo(organisation.timezone)).date().isoformat(),
    )


async def _pair_choices(
    request: web.Request, active: list[pair_store.Pair]
) -> list[tuple[int, str]]:
    """Active pairs for the scheduling form, "mentor — mentees", by name."""
    async with context_of(request).config.db.connect() as conn:
        choices = []
        for pair in active:
            found = [await people_store.get(conn, p) for p in (pair.mentor_id, *pair.mentee_ids)]
            labels = [(p.full_name or "—") if p else "—" for p in found]
            choices.append((pair.id, f"{labels[0]} — {', '.join(labels[1:])}"))
    return sorted(choices, key=lambda c: c[1])


def _local_moment(day: str, clock: str, timezone: str) -> datetime | None:
    try:
        return datetime.combine(
            date.fromisoformat(day), time.fromisoformat(clock), ZoneInfo(timezone)
        )
    except ValueError:
        return None


@routes.post("/meetings/{org_id}/schedule", name="meetings_schedule")
async def meetings_schedule(request: web.Request) -> web.Response:
    """A curator proposes a pair's meeting (or announces the all-pairs one) as in the chat:
    `mentoring.meetings.service.create` checks the rights and invites the members."""
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    ctx = context_of(request)
    form = await request.post()
    back = f"{BASE}/meetings/{organisation.id}"
    raw_pair = str(form.get("pair", ""))
    pair_id = int(raw_pair) if raw_pair.isdigit() and len(raw_pair) < 12 else None
    kind = ALL_PAIRS_KIND if pair_id is None else str(form.get("kind", ""))[:20]
    starts_at = _local_moment(
        str(form.get("date", "")), str(form.get("time", "")), organisation.timezone
    )
    place = " ".join(str(form.get("place", "")).split())
    if starts_at is None:
        return redirect(f"{back}?problem=bad_when")
    if not place or len(place) > MAX_PLACE:
        return redirect(f"{back}?problem=bad_place")
    outcome = await meeting_service.create(
        ctx.config.db,
        ctx.config.translator,
        actor.person,
        organisation_id=organisation.id,
        pair_id=pair_id,
        kind=kind,
        starts_at=starts_at,
        place=place,
        now=ctx.config.clock(),
    )
    if not outcome.ok:
        return redirect(f"{back}?problem={quote(outcome.reason)}")
    return redirect(f"{back}?done=scheduled")


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
    outcome = await outcomes.record_outcome(
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
