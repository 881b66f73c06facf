"""The order's annex as a school prints it: a heading, the order's number and date, № п/п,
names with classes and positions, the form in words, real dates, one page wide."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reports.documents.data import Order, OrderRow, School
from reports.order_annex import order_annex
from tests.test_reports_xlsx import texts, title_lines

ORDER = Order(
    school=School("МБОУ «СОШ № 1»", "г. Тула", "Тульская область"),
    number="№ 12-о",
    day=date(2026, 10, 1),
    school_year=2026,
    rows=(
        OrderRow(
            "Иванова Анна Петровна",
            "учитель математики",
            "Петров Пётр",
            "7 класс",
            "student_student",
            date(2026, 10, 1),
            date(2027, 5, 31),
        ),
        OrderRow(
            "Иванова Анна Петровна",
            "учитель математики",
            "Сидорова Софья",
            "7 класс",
            "student_student",
            date(2026, 10, 1),
            date(2027, 5, 31),
        ),
        OrderRow(
            "Смирнов Борис",
            "инженер ООО «Тулмаш»",
            "Кузнецова Ксения",
            "=2+2",  # typed by a school: text, never a formula
            "employer_pupil",
            date(2026, 10, 1),
            date(2027, 3, 31),
        ),
    ),
    pairs=2,
)


def sheet_of(order: Order = ORDER) -> Worksheet:
    book = load_workbook(io.BytesIO(order_annex(order, texts(), date(2026, 10, 2))))
    assert book.sheetnames == ["Приложение"]
    return book.active  # type: ignore[return-value]


def test_the_annex_heading_and_the_order_it_belongs_to() -> None:
    sheet = sheet_of()
    assert sheet["A1"].value == "Приложение к приказу о закреплении наставнических пар (групп)"
    assert sheet["A1"].font.bold
    assert title_lines(sheet) == [
        ("Организация", "МБОУ «СОШ № 1»"),
        ("Номер приказа", "№ 12-о"),
        ("Дата приказа", datetime(2026, 10, 1)),  # a real date, shown as 01.10.2026
        ("Список составлен", datetime(2026, 10, 2)),
    ]
    assert sheet["C4"].number_format == "DD.MM.YYYY"
    assert sheet["B2"].value is None  # the label runs over the narrow № п/п column


def test_one_numbered_row_per_mentee_with_positions_and_dates() -> None:
    sheet = sheet_of()
    rows = list(sheet.iter_rows(min_row=7, values_only=True))
    assert rows[0] == (
        "№ п/п",
        "ФИО наставника",
        "Должность, место работы или учёбы наставника",
        "ФИО наставляемого",
        "Класс, курс или должность наставляемого",
        "Форма наставничества",
        "Начало программы",
        "Окончание программы",
    )
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert rows[1][1:6] == (
        "Иванова Анна Петровна",
        "учитель математики",
        "Петров Пётр",
        "7 класс",
        "ученик — ученик",
    )
    assert rows[3][4] == "'=2+2" and rows[3][5] == "работодатель — ученик"
    assert (rows[3][6], rows[3][7]) == (datetime(2026, 10, 1), datetime(2027, 3, 31))
    assert sheet.cell(8, 7).number_format == "DD.MM.YYYY"
    assert sheet.cell(8, 5).data_type == "s" and sheet.cell(10, 5).data_type == "s"


def test_the_annex_prints_landscape_one_page_wide_with_the_header_on_every_page() -> None:
    sheet = sheet_of()
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$7:$7"
    assert sheet.freeze_panes == "A8"
    assert sheet.auto_filter.ref == "A7:H10"
    assert "&P" in sheet.oddFooter.center.text  # pages numbered
    widths = {col: sheet.column_dimensions[col].width for col in "ABCDEFGH"}
    assert widths["A"] < widths["B"] and widths["B"] >= len("Иванова Анна Петровна")
    assert widths["C"] <= 42  # a position wraps rather than widening the page


def test_an_order_without_rows_is_still_a_heading_and_a_header() -> None:
    empty = Order(ORDER.school, ORDER.number, ORDER.day, 2026, (), 0)
    rows = list(sheet_of(empty).iter_rows(min_row=7, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "№ п/п"
