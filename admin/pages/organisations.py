"""Organisations: the list, creation (admins), editing (curators of it, admins)."""

from __future__ import annotations

from aiohttp import web

from admin.context import actor_of, context_of
from admin.guards import require_manage, visible_organisation
from admin.pages.invites import invite_cards
from admin.render import BASE, redirect, render
from mentoring.people.organisations import (
    OrganisationError,
    create_organisation,
    update_organisation,
)
from mentoring.stats.headcounts import (
    MAX_YEAR,
    MIN_YEAR,
    HeadcountError,
    headcounts_of,
    parse_count,
    set_headcounts,
)
from mentoring.stats.kpis import school_year_of
from storage import organisations as org_store
from storage.organisations import ORGANISATION_KINDS

__all__ = ["TIMEZONES", "routes"]

# Russia's zones first, in the datalist; any IANA name is accepted.
TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
FIELDS = ("name", "kind", "municipality", "region", "timezone")
NOTICES = ("created", "saved", "invite", "headcounts", "head", "head_too_long")
# The headcounts a curator enters on the page (partners on record stay a CLI matter).
HEADCOUNT_FIELDS = ("pupils_10_19", "pupils_15_19", "young_teachers", "teachers_under_35")

routes = web.RouteTableDef()


async def _fields(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


def _form_values(values: dict[str, str] | None, default_timezone: str) -> dict[str, str]:
    return values or {
        "name": "",
        "kind": "school",
        "municipality": "",
        "region": "",
        "timezone": default_timezone,
    }


@routes.get("/organisations", name="organisations")
async def organisations_page(request: web.Request) -> web.Response:
    return await _list(request)


async def _list(
    request: web.Request, *, form: dict[str, str] | None = None, error: str = "", status: int = 200
) -> web.Response:
    actor = actor_of(request)
    scope_ids = actor.scope.organisation_ids
    async with context_of(request).config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
    return render(
        request,
        "organisations.html",
        status=status,
        organisations=organisations,
        can_create=actor.scope.can_create_organisations,
        form=_form_values(form, "Europe/Moscow"),
        error=error,
        kinds=ORGANISATION_KINDS,
        timezones=TIMEZONES,
    )


@routes.post("/organisations", name="organisation_create")
async def organisation_create(request: web.Request) -> web.Response:
    actor = actor_of(request)
    if not actor.scope.can_create_organisations:
        raise web.HTTPForbidden()
    values = await _fields(request)
    try:
        organisation = await create_organisation(
            context_of(request).config.db, **values, actor_person_id=actor.person.id
        )
    except OrganisationError as exc:
        return await _list(request, form=values, error=exc.field or "name", status=400)
    return redirect(f"{BASE}/organisations/{organisation.id}?done=created")


@routes.get("/organisations/{org_id}", name="organisation")
async def organisation_page(request: web.Request) -> web.Response:
    return await _detail(request)


async def _detail(
    request: web.Request,
    *,
    form: dict[str, str] | None = None,
    error: str = "",
    headcount_form: dict[str, str] | None = None,
    headcount_error: tuple[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    values = form or {name: str(getattr(organisation, name)) for name in FIELDS}
    ctx = context_of(request)
    this_year = school_year_of(ctx.config.clock().date())
    return render(
        request,
        "organisation.html",
        status=status,
        organisation=organisation,
        form=values,
        error=error,
        done=request.query.get("done", "") if request.query.get("done") in NOTICES else "",
        can_manage=actor.scope.manages(organisation.id),
        invite_roles=actor.scope.invite_roles(organisation.id),
        invites=await invite_cards(request, organisation.id),
        kinds=ORGANISATION_KINDS,
        timezones=TIMEZONES,
        headcounts=await headcounts_of(ctx.config.db, organisation.id),
        headcount_fields=HEADCOUNT_FIELDS,
        headcount_form=headcount_form or {"year": str(this_year)},
        headcount_error=headcount_error,
        year_range=(MIN_YEAR, MAX_YEAR),
    )


@routes.post("/organisations/{org_id}", name="organisation_update")
async def organisation_update(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    values = await _fields(request)
    try:
        await update_organisation(
            context_of(request).config.db,
            organisation.id,
            **values,
            actor_person_id=actor.person.id,
        )
    except OrganisationError as exc:
        return await _detail(request, form=values, error=exc.field or "name", status=400)
    return redirect(f"{BASE}/organisations/{organisation.id}?done=saved")


def _count(values: dict[str, str], name: str) -> int | None:
    raw = values[name]
    if raw.strip() == "":
        return None
    value = parse_count(raw)
    if value is None:
        raise HeadcountError("number", name, f"{name}: not a whole number")
    return value


@routes.post("/organisations/{org_id}/headcounts", name="organisation_headcounts")
async def organisation_headcounts(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    form = await request.post()
    values = {name: str(form.get(name, "")).strip() for name in ("year", *HEADCOUNT_FIELDS)}
    ctx = context_of(request)
    try:
        year = _count(values, "year")
        if year is None:
            raise HeadcountError("year", "year", "no school year")
        counts = {name: _count(values, name) for name in HEADCOUNT_FIELDS}
        await set_headcounts(ctx.config.db, organisation.id, year, now=ctx.config.clock(), **counts)
    except HeadcountError as exc:
        return await _detail(
            request,
            headcount_form=values,
            headcount_error=(exc.reason, exc.field),
            status=400,
        )
    return redirect(f"{BASE}/organisations/{organisation.id}?done=headcounts#headcounts")
