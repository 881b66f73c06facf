"""A curator forms pairs on the web: propose, move, approve by order, download the list."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from openpyxl import load_workbook

from i18n import Translator
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school
from tests.test_pairs import NewUser, cohort, pair_notices


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


def _mentor_of(html: str, mentee_name: str) -> str:
    row = next(r for r in html.split("<tr ") if mentee_name in r and "data-mentor=" in r)
    return row.split("<td>", 1)[1].split(" <span", 1)[0].strip()


async def test_propose_move_approve_and_download_the_order_list(
    web: AdminWeb, db: Database, new_user: NewUser
) -> None:
    school, curator_chat, users = await cohort(db, new_user)
    async with db.connect() as conn:
        curator = await people_store.get_by_telegram_id(conn, curator_chat.user.id)
    assert curator is not None
    agent = await web.signed_in(curator.id)

    await agent.get("/admin/pairs")
    assert (await agent.get(f"/admin/pairs/{school}")).status == 200
    proposed = await agent.post(f"/admin/pairs/{school}/propose", {})
    assert proposed.status == 303
    await agent.get(proposed.headers["Location"])
    page = agent.last_text
    assert "Аннова Анна" in page and "Борисов Борис" in page
    assert "Колин Коля" in page and "нет согласия родителя" in page
    first = _mentor_of(page, "Аннова Анна")
    other = "Иванов Иван" if first == "Смирнова Ольга" else "Смирнова Ольга"
    other_id = re.search(rf'<option value="(\d+)"[^>]*>{other}</option>', page)
    anna_id = re.search(
        r'data-mentee="(\d+)"[^>]*>\s*<td>[^<]*<span[^>]*>[^<]*</span></td>\s*<td>Аннова', page
    )
    assert other_id and anna_id

    moved = await agent.post(
        f"/admin/pairs/{school}/move", {"mentee": anna_id.group(1), "mentor": other_id.group(1)}
    )
    assert moved.headers["Location"].endswith("done=moved")
    await agent.get(f"/admin/pairs/{school}")
    assert _mentor_of(agent.last_text, "Аннова Анна") == other

    bad = await agent.post(f"/admin/pairs/{school}/approve", {"order_number": "№ 12-о"})
    assert "problem=bad_order_date" in bad.headers["Location"]
    approved = await agent.post(
        f"/admin/pairs/{school}/approve", {"order_number": "№ 12-о", "order_date": "2026-10-01"}
    )
    assert approved.headers["Location"].endswith("done=approved")
    async with db.connect() as conn:
        active = await pair_store.active_pairs(conn, school)
    assert len(active) == 2 and all(p.order_number == "№ 12-о" for p in active)
    assert {chat for chat, _, _ in await pair_notices(db)} == {
        users[k].user.id for k in ("olga", "ivan", "anna", "boris")
    }

    # The order's annex: a heading, the order's number and date, then № п/п and each mentee
    # with his mentor, their positions, the form and the programme's dates as real dates.
    listing = await agent.get(f"/admin/pairs/{school}/order.xlsx")
    assert listing.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(await listing.read())).active
    assert sheet is not None
    assert "Приложение к приказу" in sheet["A1"].value
    assert (sheet["A3"].value, sheet["C3"].value) == ("Номер приказа", "№ 12-о")
    assert sheet["C4"].value.date() == date(2026, 10, 1)
    assert sheet.print_title_rows == "$7:$7" and sheet.page_setup.orientation == "landscape"
    rows = list(sheet.iter_rows(min_row=7, values_only=True))
    assert rows[0][:4] == ("№ п/п", "ФИО наставника", rows[0][2], "ФИО наставляемого")
    assert [r[0] for r in rows[1:]] == [1, 2]
    assert sorted(r[3] for r in rows[1:]) == ["Аннова Анна", "Борисов Борис"]
    assert {r[5] for r in rows[1:]} == {"студент — студент"}
    assert {r[6].date() for r in rows[1:]} == {date(2026, 10, 1)}


async def test_another_schools_pairs_do_not_exist_and_posts_need_csrf(
    web: AdminWeb, db: Database
) -> None:
    school_a = await make_school(db, "МБОУ СОШ № 1")
    school_b = await make_school(db, "МБОУ СОШ № 2")
    curator_a = await make_person(db, "Кураторова Вера", "curator", school_a)
    coordinator_a = await make_person(db, "Координаторов Олег", "coordinator", school_a)
    agent = await web.signed_in(curator_a)
    await agent.get(f"/admin/pairs/{school_a}")
    assert "Предложить пары" in agent.last_text
    assert (await agent.post(f"/admin/pairs/{school_a}/propose", {}, csrf=False)).status == 403
    for path in ("propose", "move", "approve"):
        assert (await agent.post(f"/admin/pairs/{school_b}/{path}", {"mentee": "1"})).status == 404
    assert (await agent.get(f"/admin/pairs/{school_b}")).status == 404
    assert (await agent.get(f"/admin/pairs/{school_b}/order.xlsx")).status == 404

    watcher = await web.signed_in(coordinator_a)
    await watcher.get(f"/admin/pairs/{school_a}")
    assert "Предложить пары" not in watcher.last_text
    assert (await watcher.post(f"/admin/pairs/{school_a}/propose", {})).status == 403
