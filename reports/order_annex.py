"""The order's annex (приложение к приказу о закреплении наставнических пар) as a printable
XLSX: the rows of the .docx order (`reports.documents`), one per mentee with his mentor, for a
school that files the list as a table or edits it before signing.

A heading and the order's number and date on top, then № п/п, the names with their classes or
positions, the form and the programme's dates as real dates; landscape, one page wide, the
header repeated on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reports.documents.data import Order
from reports.labels import label
from reports.layout import DATE, MAX_WIDTH, Table, title_block, wrapped_height
from reports.workbook import Style, Workbook

__all__ = ["order_annex"]

Texts = Callable[..., str]
COLUMNS = (
    "number",
    "mentor",
    "mentor_position",
    "mentee",
    "mentee_position",
    "form",
    "starts",
    "ends",
)
WRAPPED = Style(wrap=True, vertical="top")
TOP = Style(vertical="top")
DATE_TOP = Style(number_format=DATE.number_format, vertical="top")
POSITION_WIDTH = 40.0  # positions wrap: a workplace may be 150 characters


def order_annex(order: Order, t: Texts, made_on: date) -> bytes:
    """The annex of `order`, made on `made_on` (the organisation's local date)."""
    book = Workbook()
    sheet = book.sheet(t("reports.annex.sheet"))
    sheet.footer = t("reports.xlsx.footer")
    lines = [
        (t("reports.annex.organisation"), order.school.name),
        (t("reports.annex.order_number"), order.number),
        (t("reports.annex.order_date"), order.day),
        (t("reports.annex.made_on"), made_on),
    ]
    # № п/п is a narrow first column: the labels run over the mentor's column.
    title_block(sheet, t("reports.annex.heading"), lines, value_column=3)
    header = [t(f"reports.annex.columns.{column}") for column in COLUMNS]
    table = Table(sheet, header, height=45)
    styles = [TOP, WRAPPED, WRAPPED, WRAPPED, WRAPPED, WRAPPED, DATE_TOP, DATE_TOP]
    forms: dict[str, str] = {}
    for number, row in enumerate(order.rows, start=1):
        if row.form not in forms:
            forms[row.form] = label(t, f"pairs.form.{row.form}", row.form)
        height = wrapped_height(
            (row.mentor_position, POSITION_WIDTH),
            (row.mentee_position, POSITION_WIDTH),
            (row.mentor, MAX_WIDTH),
            (row.mentee, MAX_WIDTH),
        )
        table.add(
            (
                number,
                row.mentor,
                row.mentor_position,
                row.mentee,
                row.mentee_position,
                forms[row.form],
                row.starts_on,
                row.ends_on,
            ),
            styles,
            height=height,
        )
    table.close()
    for column in (3, 5):
        sheet.widths[column] = min(sheet.widths[column], POSITION_WIDTH)
    return book.to_bytes()
