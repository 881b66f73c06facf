"""Forming pairs (формирование пар): propose, move or remove, approve by order, the order list.

The same services as the chat's /pairs: `mentoring.pairs.service` for the draft and
`mentoring.pairs.notices.approve` for the approval that also tells both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import require_manage, visible_organisation
from admin.pages.reports import bot_texts
from admin.render import BASE, redirect, render, texts_for
from mentoring.documents.files import texts as document_texts
from mentoring.documents.orders import order_data
from mentoring.matching.cohort import load_cohort
from mentoring.pairs import service as pairs
from mentoring.pairs.notices import approve, dissolve
from reports.order_annex import order_annex
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.organisations import Organisation

__all__ = ["routes"]

MAX_ORDER_NUMBER = 100
ALREADY_PAIRED = "already_paired"
NOT_ASSIGNABLE = frozenset({"no_parent_consent", "no_intake"})
MAX_DISSOLVE_REASON = 300  # as the chat's /pairs asks
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

routes = web.RouteTableDef()


@routes.get("/pairs", name="pairs")
async def pairs_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    if len(organisations) == 1:
        return redirect(f"{BASE}/pairs/{organisations[0].id}")
    return render(request, "pairs_index.html", organisations=organisations)


@dataclass(frozen=True, slots=True)
class ApprovedPair:
    pair: pair_store.Pair
    mentor: str
    mentees: tuple[str, ...]


async def _approved(request: web.Request, organisation_id: int) -> list[ApprovedPair]:
    rows = []
    async with context_of(request).config.db.connect() as conn:
        for pair in await pair_store.active_pairs(conn, organisation_id):
            found = [
                await people_store.get(conn, pid) for pid in (pair.mentor_id, *pair.mentee_ids)
            ]
            names = [(p.full_name or "—") if p else "—" for p in found]
            rows.append(ApprovedPair(pair, names[0], tuple(names[1:])))
    return rows


@routes.get("/pairs/{org_id}", name="pairs_organisation")
async def pairs_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    today = ctx.config.clock().date()
    proposal = await pairs.view(ctx.config.db, organisation.id, today)
    async with ctx.config.db.connect() as conn:
        cohort = await load_cohort(conn, organisation.id, today)
    mentors = [(mid, cohort.profiles[mid].full_name) for mid in sorted(cohort.mentors)]
    problem = request.query.get("problem", "")[:40]
    _, t = texts_for(request)
    bt = bot_texts(request, actor)
    if problem and ctx.config.translator.has(f"pairs.reason.{problem}"):
        problem_text = bt(f"pairs.reason.{problem}")
    else:
        problem_text = t(f"pairs.problems.{problem}") if problem else ""
    # Those already in an approved pair are not "without a pair": they are counted apart and
    # never offered «Назначить»; nor are those the hard rules would refuse anyway.
    unmatched = [u for u in proposal.unmatched if u[2] != ALREADY_PAIRED] if proposal else []
    return render(
        request,
        "pairs.html",
        organisation=organisation,
        proposal=proposal,
        unmatched=unmatched,
        already_paired=len(proposal.unmatched) - len(unmatched) if proposal else 0,
        not_assignable=NOT_ASSIGNABLE,
        mentors=mentors,
        approved=await _approved(request, organisation.id),
        can_manage=actor.scope.manages(organisation.id),
        problem_text=problem_text,
        done=request.query.get("done", "")[:20],
        bt=bt,
        today=today.isoformat(),
    )


async def _managed(request: web.Request) -> tuple[Actor, Organisation]:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    return actor, organisation


def _back(organisation: Organisation, **query: str) -> web.Response:
    suffix = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return redirect(f"{BASE}/pairs/{organisation.id}" + (f"?{suffix}" if suffix else ""))


def _posted_id(form: Mapping[str, object], name: str) -> int | None:
    raw = str(form.get(name, ""))
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@routes.post("/pairs/{org_id}/propose", name="pairs_propose")
async def pairs_propose(request: web.Request) -> web.Response:
    _, organisation = await _managed(request)
    ctx = context_of(request)
    await pairs.propose(ctx.config.db, organisation.id, ctx.config.clock())
    return _back(organisation, done="proposed")


@routes.post("/pairs/{org_id}/move", name="pairs_move")
async def pairs_move(request: web.Request) -> web.Response:
    _, organisation = await _managed(request)
    ctx = context_of(request)
    form = await request.post()
    mentee_id, mentor_id = _posted_id(form, "mentee"), _posted_id(form, "mentor")
    if mentee_id is None:
        raise web.HTTPBadRequest()
    now = ctx.config.clock()
    if mentor_id is None:
        result = await pairs.remove(ctx.config.db, organisation.id, mentee_id, now)
    else:
        result = await pairs.move(ctx.config.db, organisation.id, mentee_id, mentor_id, now)
    if result.problem is not None:
        return _back(organisation, problem=result.problem)
    return _back(organisation, done="moved" if mentor_id else "removed")


@routes.post("/pairs/{org_id}/approve", name="pairs_approve")
async def pairs_approve(request: web.Request) -> web.Response:
    actor, organisation = await _managed(request)
    ctx = context_of(request)
    form = await request.post()
    order_number = str(form.get("order_number", "")).strip()
    try:
        order_date = date.fromisoformat(str(form.get("order_date", "")))
    except ValueError:
        return _back(organisation, problem="bad_order_date")
    if not order_number or len(order_number) > MAX_ORDER_NUMBER:
        return _back(organisation, problem="bad_order_number")
    approval = await approve(
        ctx.config.db,
        ctx.config.translator,
        ctx.registry,
        organisation.id,
        order_number=order_number,
        order_date=order_date,
        actor_person_id=actor.person.id,
        now=ctx.config.clock(),
    )
    if approval.problem is not None:
        return _back(organisation, problem=approval.problem)
    return _back(organisation, done="approved")


@routes.get("/pairs/{org_id}/order.xlsx", name="pairs_order_list")
async def pairs_order_list(request: web.Request) -> web.Response:
    """The order's annex (приложение к приказу о закреплении) as a printable table: the rows
    of the .docx order, the newest order unless `number` and `date` name another."""
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    try:
        day = date.fromisoformat(request.query["date"]) if request.query.get("date") else None
    except ValueError:
        raise web.HTTPNotFound() from None
    order = await order_data(
        ctx.config.db,
        ctx.config.translator,
        organisation.id,
        number=request.query.get("number") or None,
        day=day,
    )
    if order is None:
        raise web.HTTPNotFound()
    made_on = ctx.config.clock().astimezone(ZoneInfo(organisation.timezone)).date()
    body = order_annex(order, document_texts(ctx.config.translator), made_on)
    return web.Response(
        body=body,
        content_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="pairs-{organisation.id}.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@routes.post("/pairs/{org_id}/dissolve", name="pairs_dissolve")
async def pairs_dissolve(request: web.Request) -> web.Response:
    """Dissolve an approved pair with a reason, as the chat's /pairs does: the same service
    tells both sides kindly and returns them to the pool."""
    actor, organisation = await _managed(request)
    ctx = context_of(request)
    form = await request.post()
    pair_id = _posted_id(form, "pair")
    if pair_id is None:
        raise web.HTTPBadRequest()
    async with ctx.config.db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
    if pair is None or pair.organisation_id != organisation.id:
        raise web.HTTPNotFound()  # another school's pair is not confirmed to exist
    reason = " ".join(str(form.get("reason", "")).split())
    if not reason or len(reason) > MAX_DISSOLVE_REASON:
        return _back(organisation, problem="bad_dissolve_reason")
    done = await dissolve(
        ctx.config.db,
        ctx.config.translator,
        ctx.registry,
        pair.id,
        reason=reason,
        actor_person_id=actor.person.id,
        now=ctx.config.clock(),
    )
    return _back(organisation, **({"done": "dissolved"} if done else {"problem": "stale"}))
