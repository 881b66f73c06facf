"""A small XLSX writer for what the product hands out: rows written in order, named styles,
print setup, and no formulas at all.

openpyxl took about 8 s to write a region's 70,000 pair rows and xlsxwriter about 3 s; here a
row is one f-string and the same sheet takes about 0.6 s, so a region's whole workbook is
written in about a second. There is no way to write a formula: every text goes through
`reports.sheets.inert` and is stored as a shared string, numbers as numbers, dates and times
as Excel serials with a date format. Excel has no time zones: a datetime must be naive,
already in the local time the sheet states.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from reports.cell_styles import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MAIN_NS,
    PLAIN,
    XML_HEAD,
    Style,
    StyleTable,
)
from reports.sheets import SHEET_NAME_LIMIT, inert

__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "Sheet", "Style", "Workbook", "column_letter"]

EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (1900 system, its leap-year bug included)
EPOCH_DAY = EPOCH.toordinal()
# XML 1.0 has no place for these; Excel's own escape for them is _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@cache
def _letters(count: int) -> tuple[str, ...]:
    return tuple(column_letter(index) for index in range(1, count + 1))


@cache
def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    text = escape(value)
    return (
        _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text) if _ILLEGAL.search(text) else text
    )


def _serial(value: date) -> float | int:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("Excel has no time zones: pass the local time, naive")
        return (value - EPOCH).total_seconds() / 86400
    return value.toordinal() - EPOCH_DAY


class Sheet:
    """One worksheet. Rows are appended in order and kept as XML; everything else (widths,
    panes, filter, print setup) may be set at any time before the workbook is saved."""

    def __init__(self, book: Workbook, name: str) -> None:
        self.book = book
        self.name = name[:SHEET_NAME_LIMIT]
        self.rows = 0  # the last row written (1-based)
        self.columns = 0  # the widest row's cell count
        self.widths: dict[int, float] = {}
        self.freeze_at: tuple[int, int] | None = None  # (first scrolling row, column)
        self.filter_ref = ""
        self.repeat_rows: tuple[int, int] | None = None
        self.landscape = False
        self.fit_width = False
        self.footer = ""
        self._xml: list[str] = []
        self._date_xf = book.styles.dated(PLAIN, False)
        self._merges: list[str] = []
        self.links: list[tuple[str, str]] = []  # (cell, URL)

    def append(
        self,
        values: Sequence[object],
        styles: Style | Sequence[Style | None] | None = None,
        *,
        height: float | None = None,
    ) -> int:
        """Write the next row; `styles`: one for every cell, or one per cell. Returns its
        number."""
        self.rows += 1
        number = self.rows
        self.columns = max(self.columns, len(values))
        letters = _letters(len(values))
        cells: list[str] = []
        if styles is None:  # the common case, a region's 70,000 rows: values without a style
            known = self.book.indexes
            for letter, value in zip(letters, values, strict=True):
                kind = value.__class__
                if kind is str:
                    if value:
                        found = known.get(value)  # type: ignore[call-overload]
                        if found is None:
                            found = self.book.string(value)  # type: ignore[arg-type]
                        cells.append(f'<c r="{letter}{number}" t="s"><v>{found}</v></c>')
                elif kind is int:
                    cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
                elif kind is date:
                    day = value.toordinal() - EPOCH_DAY  # type: ignore[attr-defined]
                    cells.append(f'<c r="{letter}{number}" s="{self._date_xf}"><v>{day}</v></c>')
                elif value is not None:
                    cells.append(self._cell(f"{letter}{number}", value, PLAIN))
        else:
            each = [styles] * len(values) if isinstance(styles, Style) else styles
            for n, (letter, value) in enumerate(zip(letters, values, strict=True)):
                style = (each[n] if n < len(each) else None) or PLAIN
                cells.append(self._cell(f"{letter}{number}", value, style))
        size = f' ht="{height:g}" customHeight="1"' if height else ""
        self._xml.append(f'<row r="{number}"{size}>{"".join(cells)}</row>')
        return number

    def skip(self, rows: int = 1) -> None:
        self.rows += rows

    def _cell(self, ref: str, value: object, style: Style) -> str:
        styles = self.book.styles
        xf = styles.index(style) if style is not PLAIN else 0
        s = f' s="{xf}"' if xf else ""
        if value is None or value == "":
            return f'<c r="{ref}"{s}/>' if xf else ""
        if isinstance(value, str):
            return f'<c r="{ref}"{s} t="s"><v>{self.book.string(value)}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                return f'<c r="{ref}"{s}/>' if xf else ""
            return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
        if isinstance(value, date):
            xf = styles.dated(style, isinstance(value, datetime))
            return f'<c r="{ref}" s="{xf}"><v>{_serial(value)!r}</v></c>'
        return self._cell(ref, str(value), style)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self._merges.append(_range(first_row, first_col, last_row, last_col))

    def link(self, row: int, column: int, url: str) -> None:
        self.links.append((f"{column_letter(column)}{row}", url))

    def freeze(self, row: int, column: int = 1) -> None:
        """Rows above `row` and columns left of `column` stay in view."""
        self.freeze_at = (row, column)

    def autofilter(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.filter_ref = _range(first_row, first_col, max(first_row, last_row), last_col)

    def fit_columns(self, widths: dict[int, float]) -> None:
        self.widths.update(widths)

    def xml(self, selected: bool) -> str:
        parts = [f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">']
        if self.fit_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        last = f"{column_letter(max(self.columns, 1))}{max(self.rows, 1)}"
        parts.append(f'<dimension ref="A1:{last}"/>')
        parts.append(self._view_xml(selected))
        parts.append('<sheetFormatPr defaultRowHeight="15"/>')
        if self.widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w:.2f}" customWidth="1"/>'
                for i, w in sorted(self.widths.items())
            )
            parts.append(f"<cols>{cols}</cols>")
        parts.append(f"<sheetData>{''.join(self._xml)}</sheetData>")
        if self.filter_ref:
            parts.append(f'<autoFilter ref="{self.filter_ref}"/>')
        if self._merges:
            merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merges)
            parts.append(f'<mergeCells count="{len(self._merges)}">{merges}</mergeCells>')
        if self.links:
            links = "".join(
                f'<hyperlink ref="{ref}" r:id="rId{n}"/>'
                for n, (ref, _) in enumerate(self.links, start=1)
            )
            parts.append(f"<hyperlinks>{links}</hyperlinks>")
        parts.append(
            '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        )
        setup = '<pageSetup paperSize="9"'
        setup += ' orientation="landscape"' if self.landscape else ""
        setup += ' fitToWidth="1" fitToHeight="0"' if self.fit_width else ""
        parts.append(setup + "/>")
        if self.footer:
            parts.append(
                f"<headerFooter><oddFooter>{_text(self.footer)}</oddFooter></headerFooter>"
            )
        parts.append("</worksheet>")
        return "".join(parts)

    def _view_xml(self, selected: bool) -> str:
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "")
        if self.freeze_at is None or self.freeze_at == (1, 1):
            return f"<sheetViews>{view}/></sheetViews>"
        row, column = self.freeze_at
        top_left = f"{column_letter(column)}{row}"
        split = (f' xSplit="{column - 1}"' if column > 1 else "") + (
            f' ySplit="{row - 1}"' if row > 1 else ""
        )
        pane = {(True, True): "bottomRight", (True, False): "topRight"}.get(
            (column > 1, row > 1), "bottomLeft"
        )
        return (
            f"<sheetViews>{view}>"
            f'<pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
            "</sheetView></sheetViews>"
        )

    def rels_xml(self) -> str:
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{REL_NS}/hyperlink" Target={quoteattr(url)}'
            ' TargetMode="External"/>'
            for n, (_, url) in enumerate(self.links, start=1)
        )
        return f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{links}</Relationships>'

    def defined_names(self, index: int) -> list[tuple[str, int, str, bool]]:
        """(name, sheet index, reference, hidden) of the autofilter and the print titles."""
        quoted = "'" + self.name.replace("'", "''") + "'"
        names = []
        if self.filter_ref:
            first, last = self.filter_ref.split(":")
            ref = f"{quoted}!{_absolute(first)}:{_absolute(last)}"
            names.append(("_xlnm._FilterDatabase", index, ref, True))
        if self.repeat_rows is not None:
            top, bottom = self.repeat_rows
            names.append(("_xlnm.Print_Titles", index, f"{quoted}!${top}:${bottom}", False))
        return names


def _range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"


def _absolute(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"


class Workbook:
    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.styles = StyleTable()
        self._strings: dict[str, int] = {}  # inert text → index in the shared strings
        self.indexes: dict[str, int] = {}  # text as given → the same index

    def sheet(self, name: str) -> Sheet:
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def string(self, value: str) -> int:
        """The shared-string index of a text, made inert first."""
        found = self.indexes.get(value)
        if found is None:
            text = str(inert(value))
            found = self._strings.setdefault(text, len(self._strings))
            self.indexes[value] = found
        return found

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
            for name, content in self._parts():
                archive.writestr(name, content)
        return buffer.getvalue()

    def _parts(self) -> Iterable[tuple[str, str]]:
        count = len(self.sheets)
        yield "[Content_Types].xml", self._content_types()
        yield (
            "_rels/.rels",
            (
                f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">'
                f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>"
            ),
        )
        yield "xl/workbook.xml", self._workbook_xml()
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        rels += f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
        rels += (
            f'<Relationship Id="rId{count + 2}" Type="{REL_NS}/sharedStrings"'
            ' Target="sharedStrings.xml"/>'
        )
        yield (
            "xl/_rels/workbook.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{rels}</Relationships>',
        )
        for n, sheet in enumerate(self.sheets, start=1):
            yield f"xl/worksheets/sheet{n}.xml", sheet.xml(selected=n == 1)
            if sheet.links:
                yield f"xl/worksheets/_rels/sheet{n}.xml.rels", sheet.rels_xml()
        yield "xl/styles.xml", self.styles.xml()
        yield "xl/sharedStrings.xml", self._strings_xml()

    def _content_types(self) -> str:
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{kind}.worksheet+xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>{sheets}'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            "</Types>"
        )

    def _workbook_xml(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(self.sheets, start=1)
        )
        names = sorted(
            name for index, sheet in enumerate(self.sheets) for name in sheet.defined_names(index)
        )
        defined = "".join(
            f'<definedName name="{name}" localSheetId="{index}"'
            + (' hidden="1"' if hidden else "")
            + f">{_text(ref)}</definedName>"
            for name, index, ref, hidden in names
        )
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            + (f"<definedNames>{defined}</definedNames>" if defined else "")
            + "</workbook>"
        )

    def _strings_xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{_text(text)}</t></si>'
            if text != text.strip()
            else f"<si><t>{_text(text)}</t></si>"
            for text in self._strings
        )
        count = len(self._strings)
        return (
            f'{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">{items}</sst>'
        )
