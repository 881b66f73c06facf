"""Reading an uploaded class or staff list (CSV or XLSX) into rows of text, within limits.

A workbook can declare a million rows and sixteen thousand columns in a few hundred bytes,
and openpyxl's own row iterator fills every declared cell in: that is gigabytes. Here the
sheet's XML is streamed element by element and each element is dropped once read, so the
memory used is the shared strings plus the rows kept; the limits on lines, columns, cell
length and unpacked size are checked as each cell is met, before the row is kept. A file
that cannot be read says why (`Unreadable`), for the curator to fix.

Pure functions of bytes; the work is CPU-bound, so callers run it in a thread. The writers
of spreadsheets are in `reports.sheets`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import IO, Any
from xml.etree.ElementTree import Element, iterparse

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel, from_ISO8601

from reports.sheets import cell_text

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_LINES",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "SpreadsheetError",
    "Unreadable",
    "read_table",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX unpacked; a real list of 20,000 is ~10 MB
MAX_LINES = 30_000  # rows of the sheet, blank ones included (the import takes 20,000 people)
MAX_COLUMNS = 200
MAX_CELL_CHARS = 5_000

_OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # an OLE2 container: .xls of Excel 97-2003
_COORDINATE = re.compile(r"([A-Z]{1,4})(\d*)")


class Unreadable(StrEnum):
    NOT_XLSX = "not_xlsx"
    OLD_XLS = "old_xls"
    UNPACKED_TOO_BIG = "unpacked_too_big"
    ENCODING = "encoding"
    BAD_CSV = "bad_csv"
    TOO_MANY_LINES = "too_many_lines"
    TOO_MANY_COLUMNS = "too_many_columns"
    CELL_TOO_LONG = "cell_too_long"


class SpreadsheetError(ValueError):
    """The upload is not a readable CSV or XLSX table; `line` is where, when known."""

    def __init__(self, reason: Unreadable, line: int = 0) -> None:
        super().__init__(reason.value if not line else f"{reason.value} at line {line}")
        self.reason = reason
        self.line = line


def _check(line: int, column: int, text: str) -> None:
    """The limits, checked for each non-empty cell before its row is kept."""
    if line > MAX_LINES:
        raise SpreadsheetError(Unreadable.TOO_MANY_LINES, line)
    if column > MAX_COLUMNS:
        raise SpreadsheetError(Unreadable.TOO_MANY_COLUMNS, line)
    if len(text) > MAX_CELL_CHARS:
        raise SpreadsheetError(Unreadable.CELL_TOO_LONG, line)


def _add_row(rows: list[list[str]], line: int, cells: dict[int, str]) -> None:
    """`cells` maps a 1-based column to its text; blank rows in between keep line numbers."""
    rows.extend([] for _ in range(line - 1 - len(rows)))
    row = [""] * max(cells)
    for column, text in cells.items():
        row[column - 1] = text
    rows.append(row)


def _local(element: Element) -> str:
    return element.tag.rpartition("}")[2]  # the same for Transitional and Strict OOXML


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Sheet:
    """Cell values of one worksheet's XML, decoded as Excel stores them (openpyxl's rules)."""

    def __init__(self, shared: list[Any], book: Any) -> None:
        self.shared = shared
        # Style ids whose number format is a date (or a duration), as openpyxl found them.
        self.date_styles: set[int] = set(getattr(book, "_date_formats", ()) or ())
        self.duration_styles: set[int] = set(getattr(book, "_timedelta_formats", ()) or ())
        self.epoch: datetime = book.epoch

    def value(self, kind: str, style: int, raw: str | None, inline: str | None) -> object:
        if kind == "inlineStr":
            return inline
        if not raw:
            return None
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        if kind in ("str", "e"):
            return raw
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if style in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.duration_styles)
            except (OverflowError, ValueError):
                return number
        return number

    def rows(self, source: IO[bytes]) -> Iterator[tuple[int, dict[int, str]]]:
        """(line, {column: text}) for each row with a value; every element is dropped once
        read, so memory does not grow with the sheet."""
        open_elements: list[Element] = []
        line = column = 0
        cells: dict[int, str] = {}
        kind, style, raw, inline = "n", 0, None, None
        for event, element in iterparse(source, events=("start", "end")):
            name = _local(element)
            if event == "start":
                open_elements.append(element)
                if name == "row":
                    line = int(float(element.get("r") or line + 1))
                    column, cells = 0, {}
                elif name == "c":
                    found = _COORDINATE.fullmatch(element.get("r") or "")
                    column = _column_number(found.group(1)) if found else column + 1
                    kind, style = element.get("t", "n"), int(element.get("s") or 0)
                    raw, inline = None, None
                continue
            open_elements.pop()
            parent = open_elements[-1] if open_elements else None
            if name == "v":
                raw = element.text
            elif name == "t" and parent is not None and _local(parent) in ("is", "r"):
                inline = (inline or "") + (element.text or "")
                if len(inline) > MAX_CELL_CHARS:
                    raise SpreadsheetError(Unreadable.CELL_TOO_LONG, line)
            elif name == "c":
                text = cell_text(self.value(kind, style, raw, inline)).strip()
                if text:
                    _check(line, column, text)
                    cells[column] = text
            elif name == "row" and cells:
                yield line, cells
            if parent is not None:
                parent.remove(element)  # the only child left: read ones are gone already


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # zipfile stops at each member's declared size, so the sum bounds what is unpacked.
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(Unreadable.NOT_XLSX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(Unreadable.UNPACKED_TOO_BIG)
    rows: list[list[str]] = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl
        raise SpreadsheetError(Unreadable.NOT_XLSX) from exc
    try:
        sheet = book.worksheets[0]
        # The read-only sheet's own parts: its shared strings and its XML, read our way.
        reader = _Sheet(sheet._shared_strings, book)
        with sheet._get_source() as source:
            for line, cells in reader.rows(source):
                _add_row(rows, line, cells)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(Unreadable.NOT_XLSX) from exc
    finally:
        book.close()
    return rows


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text", tab-separated
    if b"\0" in data:
        raise SpreadsheetError(Unreadable.ENCODING)  # UTF-16 without its mark, or not text
    for encoding in ("utf-8-sig", "cp1251"):  # cp1251: CSV as Excel saves it in Russia
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(Unreadable.ENCODING)


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(Unreadable.ENCODING) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)  # Russian Excel writes ";"
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, row in enumerate(reader, start=1):
            cells = {n: cell.strip() for n, cell in enumerate(row, start=1) if cell.strip()}
            for column, cell in cells.items():
                _check(line, column, cell)
            if cells:
                _add_row(rows, line, cells)
    except csv.Error as exc:
        # The csv module refuses a field over its limit (131,072) before we see it.
        long_field = "field larger than field limit" in str(exc)
        raise SpreadsheetError(
            Unreadable.CELL_TOO_LONG if long_field else Unreadable.BAD_CSV, line + 1
        ) from exc
    return rows


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The first sheet (or the CSV) as rows of text, blank rows kept as []; raises
    `SpreadsheetError` with the reason when the file cannot be read within the limits."""
    if data.startswith(_OLD_EXCEL):
        raise SpreadsheetError(Unreadable.OLD_XLS)
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)
