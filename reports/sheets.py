"""The one rule for cells: every CSV and XLSX the product hands out goes through here (the
XLSX files through `reports.workbook`, which can write no formula at all).

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula (a tab
or a carriage return in front hides one), and a formula can open links or start programs
(DDE). Text that starts so gets a leading apostrophe, as OWASP advises, and is stored as a
string, never a formula. Only text is touched: numbers, dates and booleans stay what they
are, so a negative number is still a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

__all__ = ["FORMULA_START", "cell_text", "inert", "inert_row", "write_csv", "write_xlsx"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names


def inert(value: object) -> object:
    """The value as it may be written to a cell: formula-like text made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def inert_row(values: Iterable[object]) -> list[object]:
    return [inert(value) for value in values]


def cell_text(value: object) -> str:
    """A cell's value as plain text: dates as ISO, whole floats without «.0»."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ";",
    for_excel: bool = True,
) -> bytes:
    """CSV as Russian Excel opens it by default (";" and a UTF-8 BOM); `for_excel=False`
    gives plain UTF-8 for scripts. The escaping is the same either way."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in (header, *rows):
        # Escape before formatting: -5 is a number and stays "-5", "-5" typed as text does not.
        writer.writerow([cell_text(inert(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig" if for_excel else "utf-8")


def write_xlsx(header: Sequence[object], rows: Iterable[Sequence[object]], title: str) -> bytes:
    """One sheet: a header row, then the rows (through `reports.workbook`, which makes every
    text inert with `inert` above)."""
    from reports.workbook import Workbook  # imports this module

    book = Workbook()
    sheet = book.sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()
