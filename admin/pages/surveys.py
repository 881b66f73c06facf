"""Questionnaire waves (анкетирование): launch, response rates, non-responders, reminders."""

from __future__ import annotations

import asyncio
from datetime import date

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import id_in_path, require_manage
from admin.render import BASE, redirect, render, texts_for
from mentoring.questionnaires import waves
from mentoring.questionnaires.waves import LAUNCHABLE, WaveReport
from reports.sheets import write_xlsx
from storage import organisations as org_store
from storage.organisations import Organisation

__all__ = ["routes"]

WAVES_PER_ORGANISATION = 20
ROLES = ("mentee", "mentor")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

routes = web.RouteTableDef()


def _titles(request: web.Request, actor: Actor) -> dict[str, str]:
    registry = context_of(request).registry
    language = "en" if actor.locale == "en" else "ru"
    return {code: str(getattr(registry.get(code).title, language)) for code in registry.codes()}


async def _organisations(request: web.Request, actor: Actor) -> list[Organisation]:
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        return [o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids]


async def _list(
    request: web.Request, *, form: dict[str, str] | None = None, error: str = "", status: int = 200
) -> web.Response:
    actor = actor_of(request)
    ctx = context_of(request)
    organisations = await _organisations(request, actor)
    overview: list[tuple[Organisation, list[WaveReport]]] = [
        (o, await waves.waves_overview(ctx.config.db, o.id, WAVES_PER_ORGANISATION))
        for o in organisations
    ]
    manageable = [o for o in organisations if actor.scope.manages(o.id)]
    return render(
        request,
        "surveys.html",
        status=status,
        overview=overview,
        manageable=manageable,
        surveys=[c for c in LAUNCHABLE if c in ctx.registry],
        roles=ROLES,
        titles=_titles(request, actor),
        form=form or {"organisation": "", "survey": "", "role": "", "deadline": ""},
        error=error,
    )


@routes.get("/surveys", name="surveys")
async def surveys_page(request: web.Request) -> web.Response:
    return await _list(request)


@routes.post("/surveys", name="survey_wave_launch")
async def survey_wave_launch(request: web.Request) -> web.Response:
    actor = actor_of(request)
    ctx = context_of(request)
    posted = await request.post()
    form = {
        name: str(posted.get(name, "")).strip()
        for name in ("organisation", "survey", "role", "deadline")
    }
    raw_org = form["organisation"]
    organisation_id = int(raw_org) if raw_org.isdigit() and len(raw_org) < 12 else 0
    if not actor.scope.sees(organisation_id):
        raise web.HTTPNotFound()
    require_manage(actor, organisation_id)
    try:
        deadline = date.fromisoformat(form["deadline"])
    except ValueError:
        return await _list(request, form=form, error="bad_deadline", status=400)
    launch = await waves.launch_wave(
        ctx.config.db,
        ctx.config.translator,
        ctx.registry,
        organisation_id=organisation_id,
        survey_code=form["survey"],
        role=form["role"],
        deadline=deadline,
        actor_person_id=actor.person.id,
        now=ctx.config.clock(),
    )
    if launch.problem is not None or launch.wave_id is None:
        problem = launch.problem.value if launch.problem else "unknown_survey"
        return await _list(request, form=form, error=problem, status=400)
    return redirect(
        f"{BASE}/surveys/{launch.wave_id}?launched={launch.invited}&before={launch.answered_before}"
    )


async def _visible_wave(request: web.Request, actor: Actor) -> WaveReport:
    report = await waves.wave_report(context_of(request).config.db, id_in_path(request, "wave_id"))
    if report is None or not actor.scope.sees(report.wave.organisation_id):
        raise web.HTTPNotFound()
    return report


def _count(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


@routes.get("/surveys/{wave_id}", name="survey_wave")
async def survey_wave_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    report = await _visible_wave(request, actor)
    async with context_of(request).config.db.connect() as conn:
        organisation = await org_store.get(conn, report.wave.organisation_id)
    return render(
        request,
        "survey_wave.html",
        report=report,
        organisation=organisation,
        titles=_titles(request, actor),
        non_responders=[p for p in report.people if p.status != "answered"],
        can_manage=actor.scope.manages(report.wave.organisation_id),
        launched=_count(request, "launched"),
        answered_before=_count(request, "before"),  # the intake, filled in this school year
        reminded=_count(request, "reminded"),
    )


@routes.post("/surveys/{wave_id}/remind", name="survey_wave_remind")
async def survey_wave_remind(request: web.Request) -> web.Response:
    actor = actor_of(request)
    report = await _visible_wave(request, actor)
    require_manage(actor, report.wave.organisation_id)
    ctx = context_of(request)
    queued = await waves.remind_non_responders(
        ctx.config.db,
        ctx.config.translator,
        ctx.registry,
        report.wave.id,
        actor_person_id=actor.person.id,
        now=ctx.config.clock(),
    )
    return redirect(f"{BASE}/surveys/{report.wave.id}?reminded={queued or 0}")


@routes.get("/surveys/{wave_id}/non-responders.xlsx", name="survey_wave_non_responders")
async def survey_wave_non_responders(request: web.Request) -> web.Response:
    """Those who have not answered yet, to call or to remind in class: one row each."""
    actor = actor_of(request)
    report = await _visible_wave(request, actor)
    async with context_of(request).config.db.connect() as conn:
        organisation = await org_store.get(conn, report.wave.organisation_id)
    _, t = texts_for(request)
    header = [t(f"surveys.export.{name}") for name in ("person", "organisation", "role", "status")]
    table = [
        [
            person.full_name or "",
            organisation.name if organisation else "",
            t(f"roles.{report.wave.role}"),
            t(f"surveys.progress_status.{person.status}"),
        ]
        for person in report.people
        if person.status != "answered"
    ]
    title = _titles(request, actor).get(report.wave.survey_code, report.wave.survey_code)
    body = await asyncio.to_thread(write_xlsx, header, table, title)
    return web.Response(
        body=body,
        content_type=XLSX,
        headers={
            "Content-Disposition": (f'attachment; filename="non-responders-{report.wave.id}.xlsx"'),
            "Cache-Control": "no-store",
        },
    )
