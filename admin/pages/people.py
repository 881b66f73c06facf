"""People: filter by organisation, role and status, search by name, export CSV/XLSX."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.pages.dashboard import STATUSES
from admin.render import render, texts_for
from mentoring.people.ages import is_minor
from mentoring.people.invites import deep_link
from mentoring.people.parental import PARENT
from mentoring.people.profiles import INTAKE_CODES
from mentoring.people.registration import PERSONAL_DATA
from reports.sheets import write_csv, write_xlsx
from storage import backoffice
from storage import imports as import_store
from storage import organisations as org_store
from storage.backoffice import PersonListing
from storage.imports import ImportInfo
from storage.people import ROLES

__all__ = ["Filters", "routes"]

PAGE_SIZE = 200
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class Filters:
    organisation_id: int | None
    role: str
    status: str
    q: str
    page: int


def _filters(request: web.Request, actor: Actor) -> Filters:
    query = request.query
    raw_org = query.get("organisation", "")
    organisation_id = int(raw_org) if raw_org.isdigit() and len(raw_org) < 12 else None
    if organisation_id is not None and not actor.scope.sees(organisation_id):
        raise web.HTTPNotFound()
    role = query.get("role", "")
    status = query.get("status", "")
    page = query.get("page", "1")
    return Filters(
        organisation_id=organisation_id,
        role=role if role in ROLES else "",
        status=status if status in STATUSES else "",
        q=" ".join(query.get("q", "").split())[:100],
        page=max(1, int(page)) if page.isdigit() and len(page) < 6 else 1,
    )


async def _listing(request: web.Request, actor: Actor, filters: Filters) -> list[PersonListing]:
    async with context_of(request).config.db.connect() as conn:
        rows = await backoffice.people_listing(
            conn,
            actor.scope.organisation_ids,
            organisation_id=filters.organisation_id,
            role=filters.role or None,
            status=filters.status or None,
        )
    if filters.q:
        # In Python: SQLite's lower() folds ASCII only, and names here are Cyrillic.
        needle = filters.q.casefold()
        rows = [r for r in rows if needle in (r.full_name or "").casefold()]
    return rows


async def _infos(request: web.Request, rows: list[PersonListing]) -> dict[int, ImportInfo]:
    async with context_of(request).config.db.connect() as conn:
        return await import_store.infos(conn, {r.id for r in rows})


@dataclass(frozen=True, slots=True)
class RowFacts:
    """Beside the name: class or position, consents, the intake — in the viewer's words."""

    class_or_position: str
    own_consent: bool
    parent_consent: str  # given / missing (a minor without it) / not_needed
    intake: str  # submitted / in_progress / not_started


def _option_label(
    request: web.Request, survey_code: str | None, question: str, value: Any, locale: str
) -> str:
    registry = context_of(request).registry
    for defn in registry:
        if defn.code != survey_code:
            continue
        for q in defn.questions:
            if q.code == question:
                for option in q.options:
                    if str(option.code) == str(value):
                        return option.label.get("en" if locale == "en" else "ru")
    return ""


async def _row_facts(
    request: web.Request, rows: list[PersonListing], infos: dict[int, ImportInfo]
) -> dict[int, RowFacts]:
    ctx = context_of(request)
    locale, _ = texts_for(request)
    today = ctx.config.clock().date()
    async with ctx.config.db.connect() as conn:
        facts = await backoffice.people_facts(
            conn, {r.id for r in rows}, INTAKE_CODES, ("position", "school_class")
        )
    found = {}
    for row in rows:
        fact = facts[row.id]
        answers = fact.intake_answers
        label = ""
        for question in ("school_class", "position"):  # a class says more than "pupil"
            if answers.get(question) is not None:
                label = _option_label(
                    request, fact.intake_code, question, answers[question], locale
                )
                if label:
                    break
        info = infos.get(row.id)
        if not label and info is not None:
            label = info.class_or_position or ""
        if PARENT in fact.consents:
            parent = "given"
        else:
            parent = "missing" if is_minor(row.birth_date, today) else "not_needed"
        found[row.id] = RowFacts(
            class_or_position=label,
            own_consent=PERSONAL_DATA in fact.consents,
            parent_consent=parent,
            intake=fact.intake_status or "not_started",
        )
    return found


@routes.get("/people", name="people")
async def people_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    filters = _filters(request, actor)
    rows = await _listing(request, actor, filters)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(filters.page - 1) * PAGE_SIZE : filters.page * PAGE_SIZE]
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    infos = await _infos(request, shown)
    return render(
        request,
        "people.html",
        rows=shown,
        infos=infos,
        facts=await _row_facts(request, shown, infos),
        total=len(rows),
        pages=pages,
        filters=filters,
        query_string=request.query_string,
        organisations=organisations,
        roles=ROLES,
        statuses=STATUSES,
        done=request.query.get("done", "") if request.query.get("done") == "removed" else "",
    )


@routes.get("/people/export.{fmt}", name="people_export")
async def people_export(request: web.Request) -> web.Response:
    fmt = request.match_info["fmt"]
    if fmt not in EXPORT_FORMATS:
        raise web.HTTPNotFound()
    actor = actor_of(request)
    rows = await _listing(request, actor, _filters(request, actor))
    infos = await _infos(request, rows)
    username = await context_of(request).config.bot_username()
    _, t = texts_for(request)
    header = [t(f"people.columns.{name}") for name in _EXPORT_COLUMNS]
    header += [t("people.facts.consent"), t("people.facts.intake")]
    facts = await _row_facts(request, rows, infos)
    table = []
    for row in rows:
        info = infos.get(row.id)
        fact = facts[row.id]
        code = info.invite_code if info is not None and row.status == "invited" else None
        consent = t(f"people.facts.own.{'given' if fact.own_consent else 'missing'}")
        if fact.parent_consent != "not_needed":
            consent += "; " + t(f"people.facts.parent.{fact.parent_consent}")
        table.append(
            [
                row.full_name or "",
                row.organisation_name or "",
                t(f"roles.{row.role}"),
                t(f"statuses.{row.status}"),
                fact.class_or_position,
                row.birth_date,
                t("yes") if row.in_telegram else t("no"),
                deep_link(username, code) if code else "",
                consent,
                t(f"people.facts.intake_status.{fact.intake}"),
            ]
        )
    if fmt == "csv":
        body = write_csv(header, table)
    else:
        body = await asyncio.to_thread(write_xlsx, header, table, t("people.title"))
    return web.Response(
        body=body,
        headers={
            "Content-Type": EXPORT_FORMATS[fmt],
            "Content-Disposition": f'attachment; filename="people.{fmt}"',
        },
    )


_EXPORT_COLUMNS = (
    "full_name",
    "organisation",
    "role",
    "status",
    "class_or_position",
    "birth_date",
    "in_telegram",
    "personal_link",
)
