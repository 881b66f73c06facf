"""Reading uploaded CSV/XLSX tables and writing exports (CSV for Excel, XLSX).

Pure functions of bytes and rows; openpyxl is CPU-bound, so callers run them in a thread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

__all__ = ["MAX_UPLOAD_BYTES", "SpreadsheetError", "read_table", "write_csv", "write_xlsx"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The upload is not a readable CSV or XLSX table."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SpreadsheetError("not an XLSX workbook") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise SpreadsheetError("unknown text encoding")
    if "\0" in text:
        raise SpreadsheetError("not a text table")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)  # Russian Excel writes ";"
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_table(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _safe(value: object) -> object:
    # A cell that starts like a formula would run in Excel: make it plain text.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([[_safe(_cell(v)) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def write_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
