"""The back office's «Кейсы»: the curator sees his school's write-ups, selects and unselects
cases, asks the mentors and downloads the document; a coordinator sees the cases only;
another school's curator sees nothing of them."""

from __future__ import annotations

import pytest

from mentoring.cases.writeups import Saved, save_writeup
from storage import cases as case_store
from storage import people as people_store
from storage.db import Database
from tests.admin_web import AdminWeb, make_person
from tests.documents_school import DocumentsSchool, build_documents_school
from tests.docx_reading import all_text

GOALS = {"group": "Проект к конференции", "teachers": "Освоить проектную методику"}


@pytest.fixture
async def school(db: Database, web: AdminWeb) -> DocumentsSchool:
    built = await build_documents_school(db)
    for mentor, pair in (("orlov", "group"), ("ivanov", "teachers")):
        async with db.connect() as conn:
            person = await people_store.get(conn, built.ids[mentor])
        texts = {"goal": GOALS[pair], "work": "Восемь встреч", "result": "Второе место"}
        saved = await save_writeup(
            db, person, built.ids[pair], 2026, texts=texts, photos=["p1"], now=web.clock()
        )
        assert isinstance(saved, Saved)
    return built


async def _writeups(db: Database, org: int) -> dict[str, bool]:
    async with db.connect() as conn:
        found = await case_store.of_organisations(conn, [org], 2026)
    return {w.goal: w.selected for w in found}


async def test_curator_selects_a_case_and_downloads_them(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    org = school.school
    curator = await web.signed_in(await make_person(db, "Кураторова Елена", "curator", org))
    index = await curator.get("/admin/cases")
    assert index.status == 303 and index.headers["Location"] == f"/admin/cases/{org}"
    page = await curator.get(f"/admin/cases/{org}")
    assert page.status == 200
    assert GOALS["group"] in curator.last_text and GOALS["teachers"] in curator.last_text
    assert "Орлов Пётр Андреевич" in curator.last_text and "Фото: 1" in curator.last_text
    ids = {w: i for w, i in zip(GOALS, await _ids(db, org), strict=True)}

    missing = await curator.get(f"/admin/cases/{org}/cases.docx")
    assert missing.status == 303 and missing.headers["Location"].endswith("done=nothing")
    chosen = await curator.post(f"/admin/cases/{org}/writeups/{ids['group']}/select", {})
    assert chosen.status == 303 and chosen.headers["Location"].endswith("done=selected")
    assert await _writeups(db, org) == {GOALS["group"]: True, GOALS["teachers"]: False}
    forged = await curator.post(
        f"/admin/cases/{org}/writeups/{ids['group']}/select", {}, csrf=False
    )
    assert forged.status == 403

    response = await curator.get(f"/admin/cases/{org}/cases.docx?year=2026")
    assert response.status == 200
    text = all_text(await response.read())
    assert GOALS["group"] in text and GOALS["teachers"] not in text

    asked = await curator.post(f"/admin/cases/{org}/ask", {})
    assert asked.status == 303 and "done=asked" in asked.headers["Location"]
    undone = await curator.post(f"/admin/cases/{org}/writeups/{ids['group']}/unselect", {})
    assert undone.headers["Location"].endswith("done=unselected")
    assert await _writeups(db, org) == {GOALS["group"]: False, GOALS["teachers"]: False}


async def _ids(db: Database, org: int) -> list[int]:
    async with db.connect() as conn:
        return [w.id for w in await case_store.of_organisations(conn, [org], 2026)]


async def test_coordinator_sees_cases_only_and_strangers_nothing(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    org = school.school
    group, _ = await _ids(db, org)
    curator = await web.signed_in(await make_person(db, "Кураторова Елена", "curator", org))
    await curator.get(f"/admin/cases/{org}")
    await curator.post(f"/admin/cases/{org}/writeups/{group}/select", {})

    coordinator = await web.signed_in(await make_person(db, "Координатор Кира", "coordinator", org))
    assert (await coordinator.get(f"/admin/cases/{org}")).status == 200
    assert GOALS["group"] in coordinator.last_text
    assert (
        GOALS["teachers"] not in coordinator.last_text
        and "Выбрать кейсом" not in coordinator.last_text
    )
    refused = await coordinator.post(f"/admin/cases/{org}/writeups/{group}/unselect", {})
    assert refused.status == 403
    assert (await coordinator.get(f"/admin/cases/{org}/cases.docx")).status == 200

    stranger = await web.signed_in(
        await make_person(db, "Чужой Куратор", "curator", school.other_school)
    )
    assert (await stranger.get(f"/admin/cases/{org}")).status == 404
    await stranger.get(f"/admin/cases/{school.other_school}")
    assert GOALS["group"] not in stranger.last_text
    other = school.other_school
    sneaky = await stranger.post(f"/admin/cases/{other}/writeups/{group}/unselect", {})
    assert sneaky.status == 404
    assert (await stranger.get(f"/admin/cases/{org}/cases.docx")).status == 404
    assert await _writeups(db, org) == {GOALS["group"]: True, GOALS["teachers"]: False}
