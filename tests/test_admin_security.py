"""The back office refuses whatever has no session, no CSRF token or no scope."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from admin.tokens import issue_login_token
from i18n import Translator
from storage import organisations as org_store
from storage.db import Database
from tests.admin_web import SECRET, AdminWeb, admin_web, make_person
from tests.factories import make_invite, make_school


@dataclass
class World:
    web: AdminWeb
    school_a: int
    school_b: int
    admin: int
    curator_a: int
    coordinator_a: int
    pupil_b: int
    invite_b: int


@pytest.fixture
async def world(db: Database, translator: Translator) -> AsyncIterator[World]:
    school_a = await make_school(db, "МБОУ СОШ № 1")
    school_b = await make_school(db, "МБОУ СОШ № 2")
    await make_invite(db, school_b, "mentee")
    async with db.connect() as conn:
        from storage import invites

        invite_b = (await invites.list_for_organisation(conn, school_b))[0].id
    async with admin_web(db, translator) as env:
        yield World(
            web=env,
            school_a=school_a,
            school_b=school_b,
            admin=await make_person(db, "Админова Анна", "admin", None),
            curator_a=await make_person(db, "Кураторова Вера", "curator", school_a),
            coordinator_a=await make_person(db, "Координаторов Олег", "coordinator", school_a),
            pupil_b=await make_person(db, "Учеников Пётр", "mentee", school_b),
            invite_b=invite_b,
        )


async def test_no_page_and_no_action_without_a_session(world: World) -> None:
    agent = await world.web.agent()
    for path in (
        "/admin/",
        "/admin/organisations",
        f"/admin/organisations/{world.school_a}",
        "/admin/people",
        f"/admin/people/{world.pupil_b}",
        "/admin/people/export.csv",
        "/admin/people/import",
        "/admin/audit",
        "/admin/jobs/anything",
    ):
        response = await agent.get(path)
        assert response.status == 401, path
        assert "/admin" in agent.last_text  # tells how to log in
    for path in (
        "/admin/organisations",
        f"/admin/organisations/{world.school_a}",
        f"/admin/organisations/{world.school_a}/invites",
        "/admin/people/import",
        f"/admin/people/{world.pupil_b}/remove",
        "/admin/logout",
    ):
        response = await agent.post(path, {"name": "Школа", "role": "mentee"}, csrf=False)
        assert response.status == 401, path
    async with world.web.db.connect() as conn:
        assert len(await org_store.list_all(conn)) == 2


async def test_a_login_link_works_once(world: World) -> None:
    agent = await world.web.agent()
    token = issue_login_token(SECRET, world.curator_a, world.web.clock())
    confirm = await agent.get(f"/admin/login?token={token}")
    assert confirm.status == 200 and 'name="token"' in agent.last_text  # fetching does not spend
    first = await agent.post("/admin/login", {"token": token}, csrf=False)
    assert first.status == 303 and first.headers["Location"] == "/admin/"
    cookie = first.cookies["mentorbot_admin"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert (await agent.get("/admin/")).status == 200
    assert "Кураторова Вера" in agent.last_text

    other = await world.web.agent()
    again = await other.post("/admin/login", {"token": token}, csrf=False)
    assert again.status == 403 and "used_link" in other.last_text
    assert (await other.get(f"/admin/login?token={token}")).status == 403
    assert (await other.get("/admin/")).status == 401


def _tampered(token: str) -> str:
    body, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["p"] += 1
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{forged}.{mac}"


async def test_tampered_foreign_and_expired_links_are_refused(world: World) -> None:
    agent = await world.web.agent()
    now = world.web.clock()
    good = issue_login_token(SECRET, world.curator_a, now)
    for token in (
        _tampered(good),  # someone else's id under the old signature
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        issue_login_token("another-server-secret-0123456789", world.admin, now),
        "garbage",
        "",
    ):
        response = await agent.post("/admin/login", {"token": token}, csrf=False)
        assert response.status == 403, token
        assert "bad_link" in agent.last_text
    world.web.clock.advance(minutes=11)
    assert (await agent.post("/admin/login", {"token": good}, csrf=False)).status == 403
    assert (await agent.get("/admin/")).status == 401


async def test_only_staff_may_log_in(world: World, db: Database) -> None:
    agent = await world.web.agent()
    response = await agent.login(world.pupil_b, world.web.clock())
    assert response.status == 403 and "no_rights" in agent.last_text
    assert (await agent.get("/admin/")).status == 401


async def test_a_post_without_a_valid_csrf_token_is_refused(world: World) -> None:
    agent = await world.web.signed_in(world.admin)
    fields = {"name": "Гимназия № 5", "kind": "school", "timezone": "Europe/Moscow"}
    assert (await agent.post("/admin/organisations", fields, csrf=False)).status == 403
    assert (await agent.post("/admin/organisations", {**fields, "csrf": "forged"})).status == 403
    async with world.web.db.connect() as conn:
        assert len(await org_store.list_all(conn)) == 2
    created = await agent.post("/admin/organisations", fields)
    assert created.status == 303
    # Another session's token does not fit this session.
    other = await world.web.signed_in(world.admin)
    assert other.csrf and other.csrf != agent.csrf
    other.csrf = agent.csrf
    assert (await other.post("/admin/organisations", fields)).status == 403


async def test_ids_out_of_scope_do_not_exist(world: World) -> None:
    curator = await world.web.signed_in(world.curator_a)
    b, invite = world.school_b, world.invite_b
    for path in (
        f"/admin/organisations/{b}",
        f"/admin/people/{world.pupil_b}",
        f"/admin/people/{world.pupil_b}/print",
        f"/admin/people?organisation={b}",
        f"/admin/people/export.csv?organisation={b}",
        f"/admin/organisations/{b}/invites/{invite}/qr.png",
        f"/admin/organisations/{b}/invites/{invite}/print",
        f"/admin/organisations/{world.school_a}/invites/{invite}/qr.png",  # B's invite via A
        "/admin/organisations/999999",
    ):
        assert (await curator.get(path)).status == 404, path
    await curator.get("/admin/")
    for path, data in (
        (f"/admin/organisations/{b}", {"name": "Захват", "kind": "school", "timezone": "UTC"}),
        (f"/admin/organisations/{b}/invites", {"role": "mentee"}),
        (f"/admin/people/{world.pupil_b}/remove", {}),
        ("/admin/people/import", {"organisation": str(b), "role": "mentee"}),
    ):
        assert (await curator.post(path, data)).status == 404, path
    listing = await curator.get("/admin/people")
    assert listing.status == 200 and "Учеников" not in curator.last_text
    await curator.get("/admin/")
    assert "МБОУ СОШ № 2" not in curator.last_text and "МБОУ СОШ № 1" in curator.last_text
    export = await curator.get("/admin/people/export.csv")
    assert "Учеников" not in (await export.read()).decode("utf-8-sig")


async def test_rights_within_scope(world: World) -> None:
    curator = await world.web.signed_in(world.curator_a)
    await curator.get("/admin/organisations")
    org = {"name": "Новая школа", "kind": "school", "timezone": "Europe/Moscow"}
    assert (await curator.post("/admin/organisations", org)).status == 403  # admins create
    invite = await curator.post(
        f"/admin/organisations/{world.school_a}/invites", {"role": "mentor"}
    )
    assert invite.status == 303
    coordinator_invite = {"role": "coordinator"}
    path = f"/admin/organisations/{world.school_a}/invites"
    assert (await curator.post(path, coordinator_invite)).status == 403

    coordinator = await world.web.signed_in(world.coordinator_a)
    assert (await coordinator.get(f"/admin/organisations/{world.school_a}")).status == 200
    edit = {"name": "Переименовал", "kind": "school", "timezone": "Europe/Moscow"}
    assert (await coordinator.post(f"/admin/organisations/{world.school_a}", edit)).status == 403
    assert (await coordinator.get(f"/admin/organisations/{world.school_b}")).status == 404

    admin = await world.web.signed_in(world.admin)
    assert (await admin.get(f"/admin/people/{world.pupil_b}")).status == 200


async def test_sessions_expire_when_idle_and_after_a_day(world: World) -> None:
    agent = await world.web.signed_in(world.curator_a)
    world.web.clock.advance(hours=7)
    assert (await agent.get("/admin/")).status == 200  # renews the idle timer
    world.web.clock.advance(hours=7)
    assert (await agent.get("/admin/")).status == 200
    world.web.clock.advance(hours=8, minutes=1)
    assert (await agent.get("/admin/")).status == 401  # idle for more than 8 hours

    agent = await world.web.signed_in(world.curator_a)
    for _ in range(4):
        world.web.clock.advance(hours=6)
        response = await agent.get("/admin/")
    assert response.status == 401  # 24 hours after login, however active


async def test_logout_kills_the_session_even_for_a_copied_cookie(world: World) -> None:
    agent = await world.web.signed_in(world.curator_a)
    stolen = agent.cookie()
    assert stolen
    response = await agent.post("/admin/logout", {})
    assert response.status == 200 and "logged_out" in agent.last_text
    assert (await agent.get("/admin/")).status == 401
    thief = await world.web.agent()
    thief.http.cookie_jar.update_cookies(
        {"mentorbot_admin": stolen}, world.web.server.make_url("/admin/")
    )
    assert (await thief.get("/admin/")).status == 401


async def test_security_headers(world: World) -> None:
    agent = await world.web.signed_in(world.admin)
    response = await agent.get("/admin/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
