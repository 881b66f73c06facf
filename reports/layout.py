"""How the workbooks we hand out look: a title block on top of every sheet (what, where, when),
then a table with a bold header that stays in view, repeats on every printed page and carries
a filter; columns as wide as their contents; landscape, one page wide, pages numbered."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Sheet, Style

__all__ = [
    "BELOW_TARGET",
    "DATE",
    "DATETIME",
    "HEADER",
    "LINK",
    "NO_DATA",
    "PCT",
    "SCORE",
    "SUMMARY",
    "SUMMARY_PCT",
    "Table",
    "title_block",
    "wrapped_height",
]

MAX_WIDTH = 60
MIN_WIDTH = 8
HEADER_WIDTH = 24  # a header wraps: its longest word, up to this, sets the width
LINE_HEIGHT = 15.0  # points, of a line of 11-point text

HEADING = Style(bold=True, size=14)
LABEL = Style(bold=True, colour="595959")
HEADER = Style(bold=True, wrap=True, vertical="top", fill="DDEBF7", border=True)
PCT = Style(number_format="0.0%")
SCORE = Style(number_format="0.0")
DATE = Style(number_format=DATE_FORMAT)
DATETIME = Style(number_format=DATETIME_FORMAT, horizontal="left")
# Excel's own «light red fill with dark red text», which prints as a grey band in black and white.
BELOW_TARGET = Style(number_format="0.0%", fill="FFC7CE", colour="9C0006")
NO_DATA = Style(italic=True, colour="808080", horizontal="right")
SUMMARY = Style(bold=True, fill="F2F2F2")
SUMMARY_PCT = Style(bold=True, fill="F2F2F2", number_format="0.0%")
LINK = Style(colour="0563C1", underline=True)


def title_block(
    sheet: Sheet, heading: str, lines: Sequence[tuple[str, object]], *, value_column: int = 2
) -> int:
    """The heading, then a label and its value per line, then an empty row. The value goes
    in its own cell (an organisation's name or an order number is a curator's text, made
    inert on its own); with `value_column` 3 the label runs over the empty column between,
    for a sheet whose first column is narrow (№ п/п). Returns the width the labels need."""
    sheet.append([heading], HEADING, height=21)
    gap: list[object] = [""] * (value_column - 2)
    for label, value in lines:
        style = DATE if isinstance(value, date) else None
        sheet.append([label, *gap, value], [LABEL, *(None for _ in gap), style])
    sheet.skip()
    return max((len(label) for label, _ in lines), default=0) + 2


def _width(value: object) -> int:
    if isinstance(value, str):
        return max(map(len, value.split("\n"))) if "\n" in value else len(value)
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return 8
    return 0 if value is None else len(str(value))


def _header_height(header: Sequence[str]) -> float | None:
    """Enough lines for the longest wrapped heading (no viewer grows a row for wrapped text
    on its own): columns are at least as wide as a heading's longest word, or HEADER_WIDTH."""
    lines = 1
    for text in header:
        width = max(MIN_WIDTH, min(HEADER_WIDTH, max(map(len, text.split()), default=0))) + 1
        lines = max(lines, math.ceil(len(text) * 1.15 / width))
    return LINE_HEIGHT * min(lines, 6) if lines > 1 else None


def wrapped_height(*cells: tuple[str, float]) -> float | None:
    """The height of a row whose texts wrap in columns of the given widths (None: one line)."""
    lines = max(
        (math.ceil(len(text) * 1.1 / max(1.0, width - 2)) for text, width in cells), default=1
    )
    return LINE_HEIGHT * lines if lines > 1 else None


class Table:
    """A table on a sheet below its title block. `styles`: a column's style by its 0-based
    index; `frozen`: how many leading columns stay in view when scrolled sideways."""

    def __init__(
        self,
        sheet: Sheet,
        header: Sequence[str],
        styles: Mapping[int, Style] | None = None,
        *,
        frozen: int = 0,
        height: float | None = None,
        first_width: int = 0,
    ) -> None:
        self.sheet = sheet
        self.size = len(header)
        self.styles: list[Style | None] | None = (
            [styles.get(n) for n in range(self.size)] if styles else None
        )
        self.widths = [
            min(HEADER_WIDTH, max((len(word) for word in text.split()), default=0))
            for text in header
        ]
        if self.widths:  # the title block's labels sit in the first column
            self.widths[0] = max(self.widths[0], first_width - 2)
        self.header_row = sheet.append(header, HEADER, height=height or _header_height(header))
        sheet.freeze(self.header_row + 1, frozen + 1)
        sheet.repeat_rows = (self.header_row, self.header_row)
        sheet.landscape = sheet.fit_width = True

    def add(
        self,
        values: Sequence[object],
        styles: Sequence[Style | None] | Style | None = None,
        *,
        height: float | None = None,
    ) -> int:
        widths = self.widths
        for n, value in enumerate(values):
            size = len(value) if isinstance(value, str) and "\n" not in value else _width(value)
            if size > widths[n]:
                widths[n] = size
        chosen = styles if styles is not None else self.styles
        return self.sheet.append(values, chosen, height=height)

    def add_all(self, rows: Sequence[Sequence[object]]) -> None:
        """Many rows in the columns' styles, measured a column at a time (a region's 70,000)."""
        widths = self.widths
        for n, column in enumerate(zip(*rows, strict=True)):
            size = max((len(v) if v.__class__ is str else _width(v) for v in column), default=0)
            widths[n] = max(widths[n], size)  # type: ignore[arg-type]
        append, styles = self.sheet.append, self.styles
        for row in rows:
            append(row, styles)

    def close(self, *, filter: bool = True) -> None:
        """Fit the columns and put the filter on the header (over the rows added)."""
        self.sheet.fit_columns(
            {n: float(min(MAX_WIDTH, max(MIN_WIDTH, w + 2))) for n, w in enumerate(self.widths, 1)}
        )
        if filter:
            self.sheet.autofilter(self.header_row, 1, self.sheet.rows, self.size)
