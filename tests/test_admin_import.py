"""Importing a class list: validation report, whole rows only, personal links, joining."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from datetime import date

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.spreadsheets import read_table
from i18n import Translator
from mentoring.people.imports import Problem, parse_table
from reports.sheets import write_csv, write_xlsx
from storage import audit
from storage import imports as import_store
from storage import people as people_store
from storage.db import Database
from storage.schema import invites
from tests.admin_web import AdminWeb, Agent, admin_web, make_person
from tests.chat import ChatUser
from tests.factories import make_school

TODAY = date(2026, 9, 1)
CLASS_LIST = (
    "ФИО;Роль;Класс;Дата рождения\n"
    "Иванова Анна Сергеевна;наставляемый;7А;14.03.2013\n"
    "Петров 3000;наставляемый;7А;01.02.2013\n"
    "Сидоров Илья;;7Б;2013-05-06\n"
    "Кузнецова Мария Ивановна;наставник;учитель математики;\n"
)


def test_parse_table_reports_every_bad_row_with_its_reason() -> None:
    table = [
        ["ФИО", "Роль", "Класс/должность", "Дата рождения"],
        ["Иванова Анна", "наставляемый", "7А", "14.03.2013"],
        ["", "", "", ""],  # empty lines are skipped, not errors
        ["Петров 3000", "", "", ""],
        ["Орлов Олег", "директор", "", ""],
        ["Смирнова Ада", "", "", "31.02.2013"],
        ["Смирнова Ева", "", "", "01.01.1900"],
        ["Иванова  Анна", "Наставляемый", "7А", "2013-03-14"],  # the same pupil again
        ["Волков Иван", "mentor", "x" * 101, ""],
    ]
    parsed = parse_table(table, default_role="mentee", today=TODAY)
    assert [row.full_name for row in parsed.rows] == ["Иванова Анна"]
    assert parsed.rows[0].birth_date == date(2013, 3, 14) and parsed.rows[0].role == "mentee"
    assert [(p.line, p.problem) for p in parsed.problems] == [
        (4, Problem.BAD_NAME),
        (5, Problem.BAD_ROLE),
        (6, Problem.BAD_BIRTH_DATE),
        (7, Problem.BIRTH_DATE_RANGE),
        (8, Problem.DUPLICATE_IN_FILE),
        (9, Problem.CLASS_TOO_LONG),
    ]


def test_parse_table_needs_a_name_column() -> None:
    parsed = parse_table(
        [["Фамилия", "Класс"], ["Иванова", "7А"]], default_role="mentee", today=TODAY
    )
    assert parsed.file_problem is Problem.NO_NAME_COLUMN
    in_parts = parse_table(
        [["Фамилия", "Имя", "Отчество"], ["Иванова", "Анна", ""], ["Петров", "Пётр", "Ильич"]],
        default_role="mentee",
        today=TODAY,
    )
    assert [r.full_name for r in in_parts.rows] == ["Иванова Анна", "Петров Пётр Ильич"]
    english = parse_table(
        [["Full name", "Role"], ["Anna Smith", "mentor"]], default_role="mentee", today=TODAY
    )
    assert english.rows[0].role == "mentor"


def test_tables_round_trip_through_csv_and_xlsx() -> None:
    header = ["ФИО", "Класс"]
    rows = [["Иванова Анна", "=HYPERLINK(1)"]]
    from_csv = read_table(write_csv(header, rows), "list.csv")
    from_xlsx = read_table(write_xlsx(header, rows, "Лист"), "list.xlsx")
    assert from_csv == from_xlsx == [header, ["Иванова Анна", "'=HYPERLINK(1)"]]  # no formulas
    cp1251 = "ФИО,Класс\r\nПетров Пётр,5Б\r\n".encode("cp1251")
    assert read_table(cp1251, "old-excel.csv")[1] == ["Петров Пётр", "5Б"]


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def _upload(agent: Agent, organisation_id: int, name: str, data: bytes) -> str:
    await agent.get("/admin/people/import")
    form = aiohttp.FormData()
    form.add_field("organisation", str(organisation_id))
    form.add_field("role", "mentee")
    form.add_field("file", data, filename=name)
    response = await agent.post("/admin/people/import", form)
    assert response.status == 303, agent.last_text
    job_path = response.headers["Location"]
    for _ in range(200):
        await agent.get(job_path)
        if 'data-job-status="running"' not in agent.last_text:
            return agent.last_text
        await asyncio.sleep(0.02)
    raise AssertionError("the import job did not finish")


async def test_a_class_list_is_imported_except_its_broken_row(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator_id = await make_person(db, "Кураторова Вера", "curator", school)
    curator = await web.signed_in(curator_id)

    report = await _upload(curator, school, "7a.csv", CLASS_LIST.encode())
    assert "Строк в файле: 4. Импортировано: 3. С ошибками: 1." in report
    assert "Петров 3000" in report and "ФИО должно состоять из букв" in report

    async with db.connect() as conn:
        listing = await people_store.list_in_organisation(conn, school)
        imported = [p for p in listing if p.status == "invited"]
        assert sorted(p.full_name or "" for p in imported) == [
            "Иванова Анна Сергеевна",
            "Кузнецова Мария Ивановна",
            "Сидоров Илья",
        ]
        anna = next(p for p in imported if p.full_name == "Иванова Анна Сергеевна")
        person = await people_store.get(conn, anna.id)
        assert person is not None and person.telegram_id is None
        assert person.birth_date == date(2013, 3, 14)
        info = (await import_store.infos(conn, [anna.id]))[anna.id]
        assert info.class_or_position == "7А" and info.invite_code
        personal = (
            await conn.execute(select(invites).where(invites.c.code == info.invite_code))
        ).one()
        assert personal.max_uses == 1 and personal.role == "mentee"
        entries = await audit.list_recent(conn)
    logged = next(e for e in entries if e.action == "people.imported")
    assert logged.details == {"rows": 4, "imported": 3, "rejected": 1}
    assert "Иванова" not in str([e.details for e in entries])  # no personal data in the log

    again = await _upload(curator, school, "7a.csv", CLASS_LIST.encode())
    assert "Импортировано: 0" in again and "уже есть в этой организации" in again

    await curator.get(f"/admin/people?organisation={school}&status=invited&q=иванова")
    assert "Иванова Анна Сергеевна" in curator.last_text and "Сидоров" not in curator.last_text
    await curator.get(f"/admin/people/{anna.id}")
    assert info.invite_code in curator.last_text and "<svg" in curator.last_text


async def test_exports_list_what_the_filters_show(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await _upload(curator, school, "7a.csv", CLASS_LIST.encode())
    response = await curator.http.get(
        web.server.make_url(f"/admin/people/export.csv?organisation={school}&role=mentee")
    )
    text = (await response.read()).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ФИО;Организация;Роль")
    assert "Иванова Анна Сергеевна" in text and "Кузнецова" not in text
    assert "https://t.me/mentor_test_bot?start=" in text
    response = await curator.http.get(web.server.make_url("/admin/people/export.xlsx"))
    sheet = load_workbook(io.BytesIO(await response.read())).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Кузнецова Мария Ивановна" in names and "Кураторова Вера" in names


async def test_an_imported_pupil_joins_his_own_record(
    web: AdminWeb, db: Database, new_user: Callable[..., ChatUser]
) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await _upload(curator, school, "7a.csv", CLASS_LIST.encode())
    async with db.connect() as conn:
        listing = await people_store.list_in_organisation(conn, school)
        anna_id = next(p.id for p in listing if p.full_name == "Иванова Анна Сергеевна")
        code = (await import_store.infos(conn, [anna_id]))[anna_id].invite_code

    anna = new_user("Аня")
    await anna.send(f"/start {code}")
    await anna.press(anna.last(), "Даю согласие")
    await anna.send("Иванова Анна Сергеевна")
    async with db.connect() as conn:
        person = await people_store.get(conn, anna_id)
        assert person is not None and person.telegram_id == anna.user.id
        assert person.status == "active" and person.birth_date == date(2013, 3, 14)
        everyone = await people_store.list_in_organisation(conn, school)
        assert len([p for p in everyone if p.full_name == "Иванова Анна Сергеевна"]) == 1
        assert (await import_store.infos(conn, [anna_id]))[anna_id].claimed_at is not None

    intruder = new_user("Чужой")
    replies = await intruder.send(f"/start {code}")
    assert "уже зарегистрировались" in replies[-1].text  # single use

    await curator.get(f"/admin/people/{anna_id}")
    assert "Присоединился по личной ссылке" in curator.last_text


async def test_a_curator_removes_an_imported_record_before_the_pupil_joins(
    web: AdminWeb, db: Database, new_user: Callable[..., ChatUser]
) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await _upload(curator, school, "7a.csv", CLASS_LIST.encode())
    async with db.connect() as conn:
        listing = await people_store.list_in_organisation(conn, school)
        ilya_id = next(p.id for p in listing if p.full_name == "Сидоров Илья")
        code = (await import_store.infos(conn, [ilya_id]))[ilya_id].invite_code
    await curator.get(f"/admin/people/{ilya_id}")
    response = await curator.post(f"/admin/people/{ilya_id}/remove", {})
    assert response.status == 303
    async with db.connect() as conn:
        assert await people_store.get(conn, ilya_id) is None
    replies = await new_user("Илья").send(f"/start {code}")
    assert "не найдена" in replies[-1].text


async def test_thousands_of_rows_run_as_a_job(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    letters = "абвгдежзиклмнопрстуфхцчшщэюя"
    rows = [
        [f"Ученик {letters[i % 28]}{letters[i // 28 % 28]}{letters[i // 784 % 28]}", "", "5А", ""]
        for i in range(2000)
    ]
    data = write_xlsx(["ФИО", "Роль", "Класс", "Дата рождения"], rows, "5А")
    report = await _upload(curator, school, "big.xlsx", data)
    assert "Импортировано: 2000" in report


async def test_a_row_the_database_refuses_is_reported_and_the_others_land(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from mentoring.people import imports

    school = await make_school(db)
    # The batch gets a clashing pair of codes; retried row by row, the 2nd clashes again.
    codes = iter(["code-a-000000000000000"] * 2 + ["code-b-000000000000000"] * 2)
    monkeypatch.setattr(imports, "new_code", lambda: next(codes))
    table = [["ФИО"], ["Иванова Анна"], ["Петров Пётр"]]
    parsed = parse_table(table, default_role="mentee", today=TODAY)
    report = await imports.import_people(
        db, school, parsed, actor_person_id=None, now=datetime(2026, 9, 1, tzinfo=UTC)
    )
    assert report.imported == 1
    assert [(p.line, p.problem) for p in report.problems] == [(3, Problem.NOT_SAVED)]
    async with db.connect() as conn:
        names = [p.full_name for p in await people_store.list_in_organisation(conn, school)]
    assert names == ["Иванова Анна"]  # no half-imported Петров: no person without his link
