"""Documents (документы): the order on pairs, thank-you letters, the analytical note and the
quarter's best practices as Word files; the organisation's own templates (upload, download,
reset); and who signs them (the head's name and position, on the organisation's page).

The same services as `mentorbot doc`: `mentoring.documents`. Every organisation in a URL is
checked against the actor's scope; templates and the head are changed by those who manage
the organisation only.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from admin.guards import require_manage, visible_organisation
from admin.pages.reports import PeriodChoice, bot_texts, period_choices
from admin.render import BASE, redirect, render
from mentoring.documents import templates as template_service
from mentoring.documents.files import DOCX, Document, texts
from mentoring.documents.letters import letters_document
from mentoring.documents.notes import DocumentScope, note_document, practices_document
from mentoring.documents.orders import order_choices, order_document
from mentoring.documents.signers import HeadError, set_head
from mentoring.stats.periods import school_year_of
from reports.documents import KINDS, MAX_TEMPLATE_BYTES
from reports.documents.data import Signatory
from reports.documents.wording import short_date
from storage import organisations as org_store
from storage.organisations import Organisation
from storage.practices import quarter_of

__all__ = ["routes"]

NOTE_KINDS = ("school_year", "half_year")
DONE = ("uploaded", "was_reset")
PROBLEMS = ("nothing", "bad_period")
routes = web.RouteTableDef()


def _download(document: Document) -> web.Response:
    name = document.file_name
    ascii_name = "document." + name.rsplit(".", 1)[-1]
    return web.Response(
        body=document.content,
        content_type=document.media_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
            ),
            "Cache-Control": "no-store",
        },
    )


def _previous_quarter(today: date) -> str:
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return quarter_of(date.fromordinal(first.toordinal() - 1))


def _choices(today: date) -> dict[str, Any]:
    """The periods the note offers (school years, half-years) and the quarters the
    practices report offers, the last quarter first (the one being reported)."""
    listed = period_choices(today)
    previous = _previous_quarter(today)
    quarters = [c for c in listed if c.kind == "quarter"]
    if previous not in {c.code for c in quarters}:
        quarters.insert(0, PeriodChoice(previous, "quarter", previous))
    return {
        "note_periods": [c for c in listed if c.kind in NOTE_KINDS],
        "quarters": quarters,
        "quarter_selected": previous,
        "years": [school_year_of(today), school_year_of(today) - 1],
    }


@routes.get("/documents", name="documents")
async def documents_index(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisations = await _visible(request, actor)
    if len(organisations) == 1:
        return redirect(f"{BASE}/documents/{organisations[0].id}")
    return render(
        request,
        "documents.html",
        organisations=organisations,
        scope_label=_scope_label(actor, request, len(organisations)),
        problem=_problem(request),
        bt=bot_texts(request, actor),
        **_choices(context_of(request).config.clock().date()),
    )


def _problem(request: web.Request) -> str:
    problem = request.query.get("problem", "")
    return problem if problem in PROBLEMS else ""


async def _visible(request: web.Request, actor: Actor) -> list[Organisation]:
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        return [o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids]


def _scope_label(actor: Actor, request: web.Request, count: int) -> str:
    """The coordinator's areas («г. Тула»), else «Все организации (N)», as /stats says."""
    areas = sorted(actor.scope.municipalities | actor.scope.regions)
    if areas:
        return ", ".join(areas)
    return texts(context_of(request).config.translator)("stats.all_organisations", count=count)


async def _page(
    request: web.Request,
    organisation: Organisation,
    *,
    upload_problem: tuple[str, str, str] | None = None,
    status: int = 200,
) -> web.Response:
    actor = actor_of(request)
    ctx = context_of(request)
    done = request.query.get("done", "")
    return render(
        request,
        "documents_organisation.html",
        status=status,
        organisation=organisation,
        orders=await order_choices(ctx.config.db, organisation.id),
        templates=await template_service.templates_of(ctx.config.db, organisation.id),
        can_manage=actor.scope.manages(organisation.id),
        upload_problem=upload_problem,
        done=done if done in DONE else "",
        problem=_problem(request),
        max_mb=MAX_TEMPLATE_BYTES // (1024 * 1024),
        short_date=short_date,
        bt=bot_texts(request, actor),
        **_choices(ctx.config.clock().date()),
    )


def _all_visible(request: web.Request, actor: Actor, count: int) -> DocumentScope:
    """Every organisation the actor sees; a coordinator signs what covers them."""
    signer = None
    if "coordinator" in actor.person.roles:
        position = texts(context_of(request).config.translator)("documents.coordinator_position")
        signer = Signatory(actor.person.full_name or "", position)
    label = _scope_label(actor, request, count)
    return DocumentScope(actor.scope.organisation_ids, label, signatory=signer)


@routes.get("/documents/all/note.docx", name="documents_scope_note")
async def scope_note(request: web.Request) -> web.Response:
    """The note for every organisation the actor sees."""
    actor = actor_of(request)
    count = len(await _visible(request, actor))
    scope = _all_visible(request, actor, count)
    return await _note(request, scope, f"{BASE}/documents")


@routes.get("/documents/all/practices.docx", name="documents_scope_practices")
async def scope_practices(request: web.Request) -> web.Response:
    actor = actor_of(request)
    count = len(await _visible(request, actor))
    scope = _all_visible(request, actor, count)
    return await _practices(request, scope, f"{BASE}/documents")


@routes.get("/documents/{org_id}", name="documents_organisation")
async def documents_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    return await _page(request, await visible_organisation(request, actor))


@routes.get("/documents/{org_id}/order.docx", name="documents_order")
async def order_docx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    number = request.query.get("number") or None
    try:
        day = date.fromisoformat(request.query["date"]) if request.query.get("date") else None
    except ValueError:
        raise web.HTTPNotFound() from None
    ctx = context_of(request)
    document = await order_document(
        ctx.config.db, ctx.config.translator, organisation.id, number=number, day=day
    )
    if document is None:
        return redirect(f"{BASE}/documents/{organisation.id}?problem=nothing")
    return _download(document)


async def _letters(request: web.Request, *, one_per_person: bool) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    ctx = context_of(request)
    today = ctx.config.clock().date()
    raw = request.query.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else school_year_of(today)
    document = await letters_document(
        ctx.config.db,
        ctx.config.translator,
        organisation.id,
        year,
        today,
        one_per_person=one_per_person,
    )
    if document is None:
        return redirect(f"{BASE}/documents/{organisation.id}?problem=nothing#letters")
    return _download(document)


@routes.get("/documents/{org_id}/letters.docx", name="documents_letters")
async def letters_docx(request: web.Request) -> web.Response:
    return await _letters(request, one_per_person=False)


@routes.get("/documents/{org_id}/letters.zip", name="documents_letters_zip")
async def letters_zip(request: web.Request) -> web.Response:
    return await _letters(request, one_per_person=True)


async def _note(request: web.Request, scope: DocumentScope, back: str) -> web.Response:
    ctx = context_of(request)
    period = request.query.get("period", "")[:10]
    try:
        document = await note_document(
            ctx.config.db, ctx.config.translator, scope, period, ctx.config.clock()
        )
    except ValueError:
        return redirect(f"{back}?problem=bad_period")
    if document is None:
        return redirect(f"{back}?problem=nothing")
    return _download(document)


async def _practices(request: web.Request, scope: DocumentScope, back: str) -> web.Response:
    ctx = context_of(request)
    try:
        document = await practices_document(
            ctx.config.db,
            ctx.config.translator,
            scope,
            request.query.get("quarter", "")[:10],
            ctx.config.clock(),
        )
    except ValueError:
        return redirect(f"{back}?problem=bad_period")
    if document is None:
        return redirect(f"{back}?problem=nothing")
    return _download(document)


@routes.get("/documents/{org_id}/note.docx", name="documents_note")
async def note_docx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    scope = DocumentScope(frozenset({organisation.id}), organisation.name)
    return await _note(request, scope, f"{BASE}/documents/{organisation.id}")


@routes.get("/documents/{org_id}/practices.docx", name="documents_practices")
async def practices_docx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    scope = DocumentScope(frozenset({organisation.id}), organisation.name)
    return await _practices(request, scope, f"{BASE}/documents/{organisation.id}")


def _kind(request: web.Request) -> str:
    kind = request.match_info.get("kind", "")
    if kind not in KINDS:
        raise web.HTTPNotFound()
    return kind


@routes.get("/documents/{org_id}/templates/{kind}.docx", name="documents_template")
async def template_download(request: web.Request) -> web.Response:
    """The template in use (the organisation's or the default), to edit in Word."""
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    kind = _kind(request)
    ctx = context_of(request)
    content = await template_service.template_for(ctx.config.db, organisation.id, kind)
    t = texts(ctx.config.translator)
    return _download(Document(f"{t(f'documents.kinds.{kind}')}.docx", content, DOCX))


def _file_name(sent: str) -> str:
    """The uploaded file's own name: some clients percent-encode it, old ones send a path."""
    return unquote(sent).replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


@routes.post("/documents/{org_id}/templates/{kind}", name="documents_template_upload")
async def template_upload(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    kind = _kind(request)
    form = await request.post()
    field = form.get("file")
    content = field.file.read(MAX_TEMPLATE_BYTES + 1) if isinstance(field, web.FileField) else b""
    if not content:
        return await _page(request, organisation, upload_problem=(kind, "no_file", ""), status=400)
    ctx = context_of(request)
    problem = await template_service.upload_template(
        ctx.config.db,
        ctx.config.translator,
        organisation.id,
        kind,
        file_name=_file_name(field.filename if isinstance(field, web.FileField) else ""),
        content=content,
        actor_person_id=actor.person.id,
        now=ctx.config.clock(),
    )
    if problem is not None:
        upload = (kind, problem.code, problem.detail)
        return await _page(request, organisation, upload_problem=upload, status=400)
    return redirect(f"{BASE}/documents/{organisation.id}?done=uploaded#templates")


@routes.post("/documents/{org_id}/templates/{kind}/reset", name="documents_template_reset")
async def template_reset(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    ctx = context_of(request)
    await template_service.reset_template(
        ctx.config.db,
        ctx.config.translator,
        organisation.id,
        _kind(request),
        actor_person_id=actor.person.id,
    )
    return redirect(f"{BASE}/documents/{organisation.id}?done=was_reset#templates")


@routes.post("/organisations/{org_id}/head", name="organisation_head")
async def organisation_head(request: web.Request) -> web.Response:
    """Who signs the organisation's documents (the card on the organisation's page)."""
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    form = await request.post()
    try:
        await set_head(
            context_of(request).config.db,
            organisation.id,
            name=str(form.get("head_name", "")),
            position=str(form.get("head_position", "")),
            actor_person_id=actor.person.id,
        )
    except HeadError:
        return redirect(f"{BASE}/organisations/{organisation.id}?done=head_too_long#head")
    return redirect(f"{BASE}/organisations/{organisation.id}?done=head#head")
