"""Uploaded lists are read within limits, and an unreadable file says why."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from datetime import date

import pytest
from openpyxl import Workbook

from admin.spreadsheets import MAX_CELL_CHARS, SpreadsheetError, Unreadable, read_table
from i18n import Translator
from mentoring.people.imports import parse_table
from reports.sheets import write_xlsx
from storage.db import Database
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school
from tests.process import ROOT
from tests.test_admin_import import _upload

TODAY = date(2026, 9, 1)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def handmade_xlsx(dimension: str, cells: list[tuple[str, str]]) -> bytes:
    """A workbook written by hand, as an attacker would: the sheet XML says what it likes."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    sheet_data = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


HOSTILE = handmade_xlsx(
    "A1:XFD1048576", [("A1", "ФИО"), ("XFD1", "x"), ("A1048576", "Иванова Анна")]
)

# Read in a fresh process: its peak memory (maxrss) is its own, and an address-space limit
# turns a runaway reader into a MemoryError instead of a swapping machine. maxrss only grows,
# so each file's figure is the growth since the start.
_MEASURE = """
import base64, json, resource, sys
from admin.spreadsheets import SpreadsheetError, read_table
files = [base64.b64decode(item) for item in json.load(sys.stdin)]
read_table(b"\\xef\\xbb\\xbfa;b\\n1;2\\n", "warm-up.csv")
with open("/proc/self/status") as status:
    size_kb = next(int(l.split()[1]) for l in status if l.startswith("VmSize:"))
limit = (size_kb + 1024 * 1024) * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for data in files:
    try:
        outcome = {"rows": len(read_table(data, "hostile.xlsx"))}
    except SpreadsheetError as exc:
        outcome = {"refused": exc.reason.value, "line": exc.line}
    except MemoryError:
        outcome = {"memory_error": True}
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({**outcome, "grew_kb": grew}), flush=True)
"""


def _measured_reads(*files: bytes) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=json.dumps([base64.b64encode(data).decode() for data in files]).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_tiny_workbook_declaring_a_million_rows_is_refused_in_little_memory() -> None:
    far_rows = handmade_xlsx("A1:XFD1048576", [("A1", "ФИО"), ("A1048576", "Иванова Анна")])
    assert len(HOSTILE) < 2048 and len(far_rows) < 2048
    wide, tall = _measured_reads(HOSTILE, far_rows)
    assert wide.get("refused") == Unreadable.TOO_MANY_COLUMNS.value, wide
    assert tall.get("refused") == Unreadable.TOO_MANY_LINES.value, tall
    assert isinstance(tall["grew_kb"], int) and tall["grew_kb"] < 50 * 1024, tall


def test_a_lying_dimension_alone_does_not_stop_a_small_list() -> None:
    data = handmade_xlsx(
        "A1:XFD1048576", [("A1", "ФИО"), ("B1", "Класс"), ("A3", "Иванова Анна"), ("B3", "7А")]
    )
    assert read_table(data, "list.xlsx") == [["ФИО", "Класс"], [], ["Иванова Анна", "7А"]]
    parsed = parse_table(read_table(data, "list.xlsx"), default_role="mentee", today=TODAY)
    assert [(row.line, row.full_name) for row in parsed.rows] == [(3, "Иванова Анна")]


def test_workbooks_as_excel_writes_them_still_read() -> None:
    book = Workbook()  # shared strings and a date style, as Excel saves
    sheet = book.active
    assert sheet is not None
    sheet.append(["ФИО", "Дата рождения", "Класс"])
    sheet.append(["Иванова Анна", date(2013, 3, 14), 7])
    buffer = io.BytesIO()
    book.save(buffer)
    expected = [["ФИО", "Дата рождения", "Класс"], ["Иванова Анна", "2013-03-14", "7"]]
    assert read_table(buffer.getvalue(), "list.xlsx") == expected
    written = write_xlsx(
        ["ФИО", "Дата рождения", "Класс"], [["Иванова Анна", date(2013, 3, 14), 7]], "Л"
    )
    assert read_table(written, "list.xlsx") == expected  # inline strings


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (51 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("list.xlsx", b"this is not a zip at all", Unreadable.NOT_XLSX),
        ("list.xlsx", b"PK\x03\x04 damaged", Unreadable.NOT_XLSX),
        ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, Unreadable.OLD_XLS),
        ("list.csv", "ФИО;Класс\nИванова;7А\n".encode("utf-16-le"), Unreadable.ENCODING),
        ("list.csv", b"\xd4\xc8\xce;\x98\x98\n", Unreadable.ENCODING),  # 0x98: not cp1251
        ("list.csv", ("ФИО\n" + "Я" * 200_000 + "\n").encode(), Unreadable.CELL_TOO_LONG),
        ("list.csv", ("ФИО\n" + "Я" * (MAX_CELL_CHARS + 1)).encode(), Unreadable.CELL_TOO_LONG),
        ("list.csv", ("ФИО" + ";x" * 300 + "\n").encode(), Unreadable.TOO_MANY_COLUMNS),
        (
            "list.csv",
            ("ФИО\n" + "\n" * 30_000 + "Иванова Анна\n").encode(),
            Unreadable.TOO_MANY_LINES,
        ),
    ],
)
def test_an_unreadable_file_says_why(name: str, data: bytes, reason: Unreadable) -> None:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, name)
    assert caught.value.reason is reason


def test_an_unpacked_bomb_is_refused_before_it_is_unpacked() -> None:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(_zip_bomb(), "bomb.xlsx")
    assert caught.value.reason is Unreadable.UNPACKED_TOO_BIG


def test_texts_as_excel_saves_them_in_russia_are_read() -> None:
    rows = [["ФИО", "Класс"], ["Петров Пётр", "5Б"]]
    cp1251 = "ФИО;Класс\r\nПетров Пётр;5Б\r\n".encode("cp1251")
    unicode_text = "ФИО\tКласс\r\nПетров Пётр\t5Б\r\n".encode("utf-16")  # with its mark
    old_mac = "ФИО;Класс\rПетров Пётр;5Б\r".encode()
    assert read_table(cp1251, "a.csv") == read_table(unicode_text, "b.txt") == rows
    assert read_table(old_mac, "c.csv") == rows


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def test_the_import_page_says_why_a_file_is_unreadable(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))

    page = await _upload(curator, school, "list.xlsx", b"this is not a zip at all")
    assert "Файл не читается: это не книга Excel (XLSX) или она повреждена" in page
    assert "Импорт прервался" not in page

    page = await _upload(curator, school, "list.xlsx", HOSTILE)
    assert "Файл не читается: в строке 1 есть данные правее 200-го столбца" in page

    long_field = ("ФИО;Класс\nИванова Анна;" + "Я" * 200_000 + "\n").encode()
    page = await _upload(curator, school, "list.csv", long_field)
    assert "Файл не читается: в строке 2 есть ячейка длиннее 5 000 знаков." in page
