"""What a curator and an admin see and do on the back-office pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from i18n import Translator
from mentoring.people import registration
from storage import organisations as org_store
from storage.db import Database
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_invite, make_school


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


def _cells(html: str, organisation_id: int) -> list[str]:
    section = html.split(f'data-organisation="{organisation_id}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<td class="num[^"]*">(\d+)</td>', section)


async def test_the_dashboard_counts_people_and_invites(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    other = await make_school(db, "Колледж связи")
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    for name in ("Ученикова Аня", "Учеников Боря"):
        await make_person(db, name, "mentee", school)
    await make_person(db, "Наставников Иван", "mentor", school)
    await make_person(db, "Студентов Глеб", "mentee", other)
    code = await make_invite(db, school, "mentee", max_uses=5)
    await registration.grant_consent(  # joined by the invite, name not given yet
        db,
        telegram_id=123456,
        username=None,
        locale="ru",
        invite_code=code,
        as_admin=False,
        text_version="v1",
        now=web.clock(),
    )

    agent = await web.signed_in(curator)
    assert "Колледж связи" not in agent.last_text
    # mentees: invited, pending_name, active, inactive, forgotten, total
    assert _cells(agent.last_text, school)[:6] == ["0", "1", "2", "0", "0", "3"]
    assert _cells(agent.last_text, school)[6:12] == ["0", "0", "1", "0", "0", "1"]  # mentors
    assert (
        "Ссылки-приглашения: 1, действующих 1; по ним зарегистрировались 1 раз." in agent.last_text
    )

    admin = await web.signed_in(await make_person(db, "Админова Анна", "admin", None))
    assert "Все организации (2)" in admin.last_text
    assert _cells(admin.last_text, other)[:6] == ["0", "0", "1", "0", "0", "1"]


async def test_an_admin_creates_and_a_curator_edits_an_organisation(
    web: AdminWeb, db: Database
) -> None:
    admin = await web.signed_in(await make_person(db, "Админова Анна", "admin", None))
    await admin.get("/admin/organisations")
    bad = {"name": "Ш", "kind": "school", "timezone": "Europe/Moscow"}
    assert (await admin.post("/admin/organisations", bad)).status == 400
    assert "Название должно быть от 2 до 300 символов." in admin.last_text
    fields = {
        "name": "Гимназия № 5",
        "kind": "school",
        "municipality": "г. Тула",
        "region": "Тульская область",
        "timezone": "Europe/Samara",
    }
    created = await admin.post("/admin/organisations", fields)
    assert created.status == 303
    path = created.headers["Location"].split("?")[0]
    await admin.get(created.headers["Location"])
    assert "Организация создана." in admin.last_text and "Europe/Samara" in admin.last_text
    organisation_id = int(path.rsplit("/", 1)[1])

    curator = await web.signed_in(
        await make_person(db, "Кураторова Вера", "curator", organisation_id)
    )
    await curator.get(path)
    wrong_zone = {**fields, "timezone": "Mars/Olympus"}
    assert (await curator.post(path, wrong_zone)).status == 400
    assert "Неизвестный часовой пояс" in curator.last_text
    assert (await curator.post(path, {**fields, "name": "Гимназия № 5 им. Толстого"})).status == 303
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
    assert organisation is not None and organisation.name == "Гимназия № 5 им. Толстого"


async def test_invite_links_with_qr_codes_to_print(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await curator.get(f"/admin/organisations/{school}")
    response = await curator.post(
        f"/admin/organisations/{school}/invites", {"role": "mentor", "max_uses": "30"}
    )
    assert response.status == 303
    await curator.get(f"/admin/organisations/{school}")
    html = curator.last_text
    assert 'data-role="mentor"' in html and "<svg" in html
    link = re.search(r"https://t\.me/mentor_test_bot\?start=[\w-]+", html)
    assert link
    invite_id = re.search(rf"/admin/organisations/{school}/invites/(\d+)/qr\.png", html).group(1)
    png = await curator.http.get(
        web.server.make_url(f"/admin/organisations/{school}/invites/{invite_id}/qr.png")
    )
    assert png.status == 200 and (await png.read()).startswith(b"\x89PNG")
    printed = await curator.get(f"/admin/organisations/{school}/invites/{invite_id}/print")
    assert printed.status == 200 and link.group() in curator.last_text
    bad = await curator.post(
        f"/admin/organisations/{school}/invites", {"role": "mentor", "max_uses": "-1"}
    )
    assert bad.status == 400


async def test_the_audit_log_filters_and_keeps_to_the_scope(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    other = await make_school(db, "Колледж связи")
    curator_id = await make_person(db, "Кураторова Вера", "curator", school)
    curator = await web.signed_in(curator_id)
    await web.signed_in(await make_person(db, "Чужой Куратор", "curator", other))

    await curator.get("/admin/audit")
    assert "<td>Вход в кабинет</td>" in curator.last_text
    assert "Кураторова Вера" in curator.last_text
    assert "Чужой" not in curator.last_text
    assert "Колледж связи" not in curator.last_text and f"№ {other}<" not in curator.last_text
    await curator.get("/admin/audit?action=organisation.created")
    assert (
        "организация «МБОУ СОШ № 1»" in curator.last_text
        and "<td>Создана организация</td>" in curator.last_text
        and "<td>Вход в кабинет</td>" not in curator.last_text
    )
    await curator.get("/admin/audit?since=2030-01-01")
    assert "Записей нет." in curator.last_text
    today = web.clock().date().isoformat()
    await curator.get(f"/admin/audit?since={today}&until={today}&action=admin.login")
    assert '<option value="admin.login" selected>Вход в кабинет</option>' in curator.last_text


async def test_english_speaking_staff_get_english_pages(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    agent = await web.signed_in(await make_person(db, "Smith John", "curator", school, locale="en"))
    assert "Dashboard" in agent.last_text and "Log out" in agent.last_text


async def test_jobs_belong_to_whoever_started_them(web: AdminWeb, db: Database) -> None:
    import aiohttp

    school = await make_school(db)
    first = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    second = await web.signed_in(await make_person(db, "Кураторов Юрий", "curator", school))
    await first.get("/admin/people/import")
    form = aiohttp.FormData()
    form.add_field("organisation", str(school))
    form.add_field("role", "mentee")
    form.add_field("file", "ФИО\nИванова Анна\n".encode(), filename="a.csv")
    response = await first.post("/admin/people/import", form)
    job = response.headers["Location"]
    assert (await second.get(job)).status == 404
    assert (await first.get(job)).status == 200


def test_every_text_key_in_the_templates_exists(translator: Translator) -> None:
    from pathlib import Path

    import admin

    templates = Path(admin.__file__).parent / "templates"
    keys = set()
    for template in templates.glob("*.html"):
        keys |= set(re.findall(r'\bt\("([\w.]+)"\s*[,)]', template.read_text()))
    assert keys, "no keys found: the pattern is stale"
    missing = sorted(k for k in keys if not translator.has(f"admin.{k}"))
    assert missing == []
