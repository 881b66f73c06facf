"""Invite links of an organisation, with QR codes to show, download and print."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from markupsafe import Markup

from admin.context import actor_of, context_of
from admin.guards import id_in_path, require_manage, visible_organisation
from admin.qr import qr_png, qr_svg
from admin.render import BASE, redirect, render
from mentoring.people.invites import InviteError, create_invite, deep_link
from storage import imports as import_store
from storage import invites as invite_store
from storage.invites import Invite

__all__ = ["InviteCard", "invite_cards", "routes"]

MAX_USES_LIMIT = 100_000
EXPIRES_DAYS_LIMIT = 3650

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class InviteCard:
    invite: Invite
    link: str
    qr: Markup
    usable: bool


async def invite_cards(request: web.Request, organisation_id: int) -> list[InviteCard]:
    """The organisation's shared invite links (personal links of imported people excluded)."""
    ctx = context_of(request)
    async with ctx.config.db.connect() as conn:
        invites = await invite_store.list_for_organisation(conn, organisation_id)
        personal = await import_store.personal_invite_ids(conn, organisation_id)
    username = await ctx.config.bot_username()
    now = ctx.config.clock()
    cards = []
    for invite in invites:
        if invite.id in personal:
            continue
        link = deep_link(username, invite.code)
        cards.append(InviteCard(invite, link, qr_svg(link), invite.usable_at(now)))
    return cards


def _optional_int(value: object, limit: int) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= limit:
        raise web.HTTPBadRequest()
    return int(text)


@routes.post("/organisations/{org_id}/invites", name="invite_create")
async def invite_create(request: web.Request) -> web.Response:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    require_manage(actor, organisation.id)
    form = await request.post()
    role = str(form.get("role", ""))
    if role not in actor.scope.invite_roles(organisation.id):
        raise web.HTTPForbidden()
    ctx = context_of(request)
    try:
        await create_invite(
            ctx.config.db,
            organisation_id=organisation.id,
            role=role,
            max_uses=_optional_int(form.get("max_uses"), MAX_USES_LIMIT),
            expires_days=_optional_int(form.get("expires_days"), EXPIRES_DAYS_LIMIT),
            now=ctx.config.clock(),
        )
    except InviteError:
        raise web.HTTPBadRequest() from None
    return redirect(f"{BASE}/organisations/{organisation.id}?done=invite#invites")


async def _invite(request: web.Request) -> tuple[Invite, str]:
    actor = actor_of(request)
    organisation = await visible_organisation(request, actor)
    invite_id = id_in_path(request, "invite_id")
    ctx = context_of(request)
    async with ctx.config.db.connect() as conn:
        invites = await invite_store.list_for_organisation(conn, organisation.id)
    invite = next((i for i in invites if i.id == invite_id), None)
    if invite is None:
        raise web.HTTPNotFound()
    return invite, deep_link(await ctx.config.bot_username(), invite.code)


@routes.get("/organisations/{org_id}/invites/{invite_id}/qr.png", name="invite_qr")
async def invite_qr(request: web.Request) -> web.Response:
    invite, link = await _invite(request)
    return web.Response(
        body=qr_png(link),
        content_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="invite-{invite.id}.png"'},
    )


@routes.get("/organisations/{org_id}/invites/{invite_id}/print", name="invite_print")
async def invite_print(request: web.Request) -> web.Response:
    invite, link = await _invite(request)
    organisation = await visible_organisation(request, actor_of(request))
    return render(
        request,
        "invite_print.html",
        organisation=organisation,
        invite=invite,
        link=link,
        qr=qr_svg(link, scale=8),
        person_name=None,
    )
