"""Import of a class or staff list (CSV/XLSX) as a background job with a progress page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from admin.context import actor_of, context_of
from admin.guards import require_manage
from admin.jobs import Job
from admin.render import BASE, redirect, render, texts_for
from admin.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, read_table
from mentoring.people.imports import IMPORT_ROLES, ImportReport, import_people, parse_table
from reports.sheets import write_csv
from storage import organisations as org_store
from storage.db import Database

__all__ = ["ImportOutcome", "routes"]

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    organisation_id: int
    file_problem: str | None
    report: ImportReport | None
    unreadable: str | None = None  # why the file could not be read (admin/spreadsheets.py)
    line: int = 0


async def _managed_organisations(request: web.Request) -> list[org_store.Organisation]:
    actor = actor_of(request)
    async with context_of(request).config.db.connect() as conn:
        return [o for o in await org_store.list_all(conn) if actor.scope.manages(o.id)]


@routes.get("/people/import", name="import_form")
async def import_form(request: web.Request) -> web.Response:
    return await _form(request)


async def _form(request: web.Request, *, error: str = "", status: int = 200) -> web.Response:
    selected = request.query.get("organisation", "")
    return render(
        request,
        "import.html",
        status=status,
        organisations=await _managed_organisations(request),
        selected=int(selected) if selected.isdigit() and len(selected) < 12 else None,
        roles=IMPORT_ROLES,
        error=error,
    )


@routes.get("/people/import/sample.csv", name="import_sample")
async def import_sample(request: web.Request) -> web.Response:
    _, t = texts_for(request)
    header = [t(f"import.sample.{name}") for name in ("full_name", "role", "class", "birth")]
    rows = [t("import.sample.row1").split("|"), t("import.sample.row2").split("|")]
    return web.Response(
        body=write_csv(header, rows),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="people-sample.csv"',
        },
    )


def _upload(form: MultiDictProxy[Any]) -> tuple[str, bytes] | None:
    field = form.get("file")
    if not isinstance(field, web.FileField):
        return None
    data = field.file.read(MAX_UPLOAD_BYTES + 1)
    return (field.filename or "", data) if data else None


async def _run_import(
    job: Job, db: Database, organisation_id: int, role: str, upload: tuple[str, bytes]
) -> ImportOutcome:
    now = job.started_at
    try:
        table = await asyncio.to_thread(read_table, upload[1], upload[0])
    except SpreadsheetError as exc:
        return ImportOutcome(organisation_id, "unreadable", None, exc.reason.value, exc.line)
    parsed = await asyncio.to_thread(parse_table, table, default_role=role, today=now.date())
    if parsed.file_problem is not None:
        return ImportOutcome(organisation_id, parsed.file_problem.value, None)
    job.total = len(parsed.rows)

    def progress(done: int) -> None:
        job.done = done

    report = await import_people(
        db,
        organisation_id,
        parsed,
        actor_person_id=job.owner_person_id,
        now=now,
        on_progress=progress,
    )
    return ImportOutcome(organisation_id, None, report)


@routes.post("/people/import", name="import_upload")
async def import_upload(request: web.Request) -> web.Response:
    actor = actor_of(request)
    form = await request.post()
    raw_org = str(form.get("organisation", ""))
    if not raw_org.isdigit() or not actor.scope.sees(int(raw_org)):
        raise web.HTTPNotFound()
    organisation_id = int(raw_org)
    require_manage(actor, organisation_id)
    role = str(form.get("role", ""))
    if role not in IMPORT_ROLES:
        raise web.HTTPBadRequest()
    upload = _upload(form)
    if upload is None:
        return await _form(request, error="no_file", status=400)
    if len(upload[1]) > MAX_UPLOAD_BYTES:
        return await _form(request, error="too_big", status=413)
    ctx = context_of(request)
    db = ctx.config.db
    async with db.connect() as conn:
        if await org_store.get(conn, organisation_id) is None:
            raise web.HTTPNotFound()
    job = ctx.jobs.start(
        owner_person_id=actor.person.id,
        kind="import",
        now=ctx.config.clock(),
        work=lambda job: _run_import(job, db, organisation_id, role, upload),
    )
    return redirect(f"{BASE}/jobs/{job.id}")


@routes.get("/jobs/{job_id}", name="job")
async def job_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    job = context_of(request).jobs.get(request.match_info["job_id"])
    if job is None or job.owner_person_id != actor.person.id:
        raise web.HTTPNotFound()
    outcome = job.result if isinstance(job.result, ImportOutcome) else None
    return render(request, "job.html", job=job, outcome=outcome)
