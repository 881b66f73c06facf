"""Sign-in by a one-time link from the bot, the session cookie, CSRF, and error pages.

The link opens a confirmation page whose button signs in (POST): a link preview or a mail
scanner that fetches the URL does not spend it. Sessions are signed cookies; logging out
records the session id as spent, so a copied cookie dies with it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from yarl import URL

from admin.context import ACTOR, Actor, AdminContext, actor_of, context_of
from admin.render import BASE, redirect, render
from admin.tokens import (
    SESSION_IDLE,
    SESSION_MAX,
    Session,
    csrf_ok,
    csrf_token,
    encode_session,
    new_session,
    read_login_token,
    read_session,
)
from mentoring.people.access import load_scope, scope_of
from storage import admin_sessions, audit, people

__all__ = ["COOKIE", "errors_middleware", "routes", "session_middleware"]

log = logging.getLogger(__name__)

COOKIE = "mentorbot_admin"
PUBLIC_ROUTES = frozenset({"login", "login_confirm", "static"})
RENEW_AFTER = timedelta(minutes=5)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

routes = web.RouteTableDef()


def _set_cookie(response: web.StreamResponse, ctx: AdminContext, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        encode_session(ctx.config.secret, session),
        path=BASE,
        max_age=int(SESSION_IDLE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=ctx.config.secure_cookies,
    )


async def _load_actor(request: web.Request, ctx: AdminContext) -> Actor | None:
    cookie = request.cookies.get(COOKIE)
    session = read_session(ctx.config.secret, cookie or "", ctx.config.clock())
    if session is None:
        return None
    async with ctx.config.db.connect() as conn:
        if await admin_sessions.is_spent(conn, session.session_id):
            return None
        person = await people.get(conn, session.person_id)
    # Roles and a coordinator's municipality/region are read afresh on every request:
    # a removed curator is out at once, a new school in the area is in at once.
    scope = await load_scope(ctx.config.db, person)
    if person is None or scope is None:
        return None
    return Actor(person, scope, session, csrf_token(ctx.config.secret, session.session_id))


async def _csrf_given(request: web.Request) -> str | None:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    form = await request.post()
    value = form.get("csrf")
    return value if isinstance(value, str) else None


@web.middleware
async def errors_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        if exc.status not in (400, 401, 403, 404, 405, 413):
            raise
        response = render(request, "error.html", status=exc.status, code=exc.status)
    # The pages carry names: no caching, no framing, no referrer (login links hold tokens).
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    return response


@web.middleware
async def session_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    route = request.match_info.route
    if route.name in PUBLIC_ROUTES or route.resource is None:
        return await handler(request)  # type: ignore[no-any-return]
    ctx = context_of(request)
    actor = await _load_actor(request, ctx)
    if actor is None:
        response = render(request, "signed_out.html", status=401, reason="session")
        response.del_cookie(COOKIE, path=BASE)
        return response
    request[ACTOR] = actor
    if request.method not in SAFE_METHODS and not csrf_ok(
        ctx.config.secret, actor.session.session_id, await _csrf_given(request)
    ):
        raise web.HTTPForbidden()
    response = await handler(request)
    now = ctx.config.clock()
    if now - actor.session.seen_at >= RENEW_AFTER and route.name != "logout":
        _set_cookie(response, ctx, actor.session.touched(now))  # sliding idle timeout
    return response  # type: ignore[no-any-return]


@routes.get("/login", name="login")
async def login_page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    token = request.query.get("token", "")
    found = read_login_token(ctx.config.secret, token, ctx.config.clock())
    if found is None:
        return render(request, "signed_out.html", status=403, reason="bad_link")
    async with ctx.config.db.connect() as conn:
        if await admin_sessions.is_spent(conn, found.token_id):
            return render(request, "signed_out.html", status=403, reason="used_link")
    response = render(request, "login.html", token=token)
    # With "no-referrer" a browser posts the form with `Origin: null`; this page's own
    # origin is what `_from_the_office` checks (the token stays within the site).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parsed = URL(url)
        return (parsed.scheme.lower(), (parsed.host or "").lower(), parsed.port)
    except (ValueError, TypeError):
        return None


def _from_the_office(request: web.Request, base_url: str) -> bool:
    """Login CSRF: the sign-in form must come from the back office's own page, else another
    site could sign a curator's browser in as its own account. Browsers say where a POST
    comes from (Sec-Fetch-Site, Origin; Referer when Origin is absent or "null"); a POST that
    says nothing is refused too: every browser in use sends Origin with it."""
    expected = _origin(base_url)
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return _origin(origin) == expected
    referer = request.headers.get("Referer")
    return bool(referer) and _origin(referer or "") == expected


@routes.post("/login", name="login_confirm")
async def login(request: web.Request) -> web.Response:
    ctx = context_of(request)
    if not _from_the_office(request, ctx.config.base_url):
        log.warning("admin.login_refused reason=cross_site")
        return render(request, "signed_out.html", status=403, reason="cross_site")
    now = ctx.config.clock()
    form = await request.post()
    token = form.get("token")
    found = read_login_token(ctx.config.secret, token if isinstance(token, str) else "", now)
    if found is None:
        return render(request, "signed_out.html", status=403, reason="bad_link")
    async with ctx.config.db.begin() as conn:
        await admin_sessions.purge_expired(conn, now)
        spent = await admin_sessions.spend(
            conn, found.token_id, kind="login", expires_at=found.expires_at, now=now
        )
        person = await people.get(conn, found.person_id) if spent else None
        if person is not None and scope_of(person) is not None:
            await audit.record(
                conn,
                "admin.login",
                actor_person_id=person.id,
                object_type="person",
                object_id=person.id,
            )
    if not spent:
        return render(request, "signed_out.html", status=403, reason="used_link")
    if person is None or scope_of(person) is None:
        return render(request, "signed_out.html", status=403, reason="no_rights")
    log.info("admin.login person=%s", person.id)
    response = redirect(f"{BASE}/")
    _set_cookie(response, ctx, new_session(person.id, now))
    return response


@routes.post("/logout", name="logout")
async def logout(request: web.Request) -> web.Response:
    ctx = context_of(request)
    actor = actor_of(request)
    now = ctx.config.clock()
    async with ctx.config.db.begin() as conn:
        await admin_sessions.spend(
            conn,
            actor.session.session_id,
            kind="session",
            expires_at=actor.session.issued_at + SESSION_MAX,
            now=now,
        )
        await audit.record(conn, "admin.logout", actor_person_id=actor.person.id)
    del request[ACTOR]
    response = render(request, "signed_out.html", reason="logged_out")
    response.del_cookie(COOKIE, path=BASE)
    return response
