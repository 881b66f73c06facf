"""How cells look in the workbooks we write: `Style`, and a workbook's table of the styles
its cells use (styles.xml), each distinct one a cell format of its own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from xml.sax.saxutils import quoteattr

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "MAIN_NS",
    "PLAIN",
    "XML_HEAD",
    "Style",
    "StyleTable",
]

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True, slots=True)
class Style:
    """How a cell looks; colours are RGB hex («FFC7CE»)."""

    bold: bool = False
    italic: bool = False
    size: float = 11.0
    colour: str = ""
    underline: bool = False
    fill: str = ""
    number_format: str = ""
    wrap: bool = False
    horizontal: str = ""  # left, center, right
    vertical: str = ""  # top, center
    border: bool = False


PLAIN = Style()


class StyleTable:
    """The workbook's style table: each distinct Style becomes one cell format (xf)."""

    def __init__(self) -> None:
        self._xf: dict[Style, int] = {PLAIN: 0}
        self._formats: dict[str, int] = {}
        self._fonts: dict[tuple[bool, bool, float, str, bool], int] = {
            (False, False, 11.0, "", False): 0
        }
        self._fills: dict[str, int] = {"": 0}  # 1 is gray125, which Excel reserves
        self._dated: dict[tuple[int, bool], int] = {}
        self._by_id: dict[int, int] = {id(PLAIN): 0}
        self._kept: list[Style] = [PLAIN]

    def index(self, style: Style) -> int:
        # By identity first: hashing a dataclass of eleven fields per cell is measurable.
        found = self._by_id.get(id(style))
        if found is not None:
            return found
        found = self._xf.get(style)
        if found is None:
            found = self._xf[style] = len(self._xf)
            font = (style.bold, style.italic, style.size, style.colour, style.underline)
            self._fonts.setdefault(font, len(self._fonts))
            if style.number_format:
                self._formats.setdefault(style.number_format, 164 + len(self._formats))
            if style.fill:
                self._fills.setdefault(style.fill, len(self._fills) + 1)
        self._kept.append(style)  # keeps the id taken
        self._by_id[id(style)] = found
        return found

    def dated(self, style: Style, with_time: bool) -> int:
        """The style of a date cell: its own number format, or the default one."""
        found = self._dated.get((id(style), with_time))
        if found is None:
            fmt = style.number_format or (DATETIME_FORMAT if with_time else DATE_FORMAT)
            found = self.index(replace(style, number_format=fmt))
            self._kept.append(style)
            self._dated[id(style), with_time] = found
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{n}" formatCode={quoteattr(code)}/>'
            for code, n in self._formats.items()
        )
        fonts = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + ("<i/>" if italic else "")
            + ("<u/>" if underline else "")
            + f'<sz val="{size:g}"/>'
            + (f'<color rgb="FF{colour}"/>' if colour else "")
            + '<name val="Calibri"/><family val="2"/><charset val="204"/></font>'
            for bold, italic, size, colour, underline in self._fonts
        )
        fills = '<fill><patternFill patternType="none"/></fill>'
        fills += '<fill><patternFill patternType="gray125"/></fill>'
        fills += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>'
            for rgb in self._fills
            if rgb
        )
        thin = '<{0} style="thin"><color rgb="FFA6A6A6"/></{0}>'
        borders = "<border><left/><right/><top/><bottom/><diagonal/></border><border>"
        borders += "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
        borders += "<diagonal/></border>"
        xfs = "".join(self._xf_xml(style) for style in self._xf)
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self._fonts)}">{fonts}</fonts>'
            f'<fills count="{len(self._fills) + 1}">{fills}</fills>'
            f'<borders count="2">{borders}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self._xf)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '</cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>'
        )

    def _xf_xml(self, style: Style) -> str:
        font = self._fonts[(style.bold, style.italic, style.size, style.colour, style.underline)]
        number = self._formats.get(style.number_format, 0)
        fill = self._fills[style.fill]
        border = 1 if style.border else 0
        align = "".join(
            f' {name}="{value}"'
            for name, value in (
                ("horizontal", style.horizontal),
                ("vertical", style.vertical),
                ("wrapText", "1" if style.wrap else ""),
            )
            if value
        )
        applied = (
            (' applyNumberFormat="1"' if number else "")
            + (' applyFont="1"' if font else "")
            + (' applyFill="1"' if fill else "")
            + (' applyBorder="1"' if border else "")
        )
        head = (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
        )
        if not align:
            return f"{head}{applied}/>"
        return f'{head}{applied} applyAlignment="1"><alignment{align}/></xf>'
