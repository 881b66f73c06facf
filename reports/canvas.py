"""Figure plumbing shared by the charts: a thread-safe canvas, bands for the words around
the plot (title, subtitle, legend, footnotes), axes in our font, PNG output.

Charts are drawn on a bare `Figure` with its own Agg canvas, never through `pyplot`: pyplot
keeps global state, and the bot renders charts in a worker thread.

A chart is pasted into reports as it is, so it carries its own words: the title, then the
territory, the period and the day of the data, and below the plot what it leaves out. They
sit in bands above and below the plot, measured in inches, so the layout of the plot never
moves them and long words wrap instead of running off the picture.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter
from matplotlib.transforms import Transform

from i18n.wording import percent
from reports.captions import locale_of, wrap, wrap_to
from reports.fonts import BODY_PT, LABEL_PT, NOTE_PT, TITLE_PT, font

__all__ = [
    "AXIS_COLOUR",
    "DPI",
    "MENTEE_COLOUR",
    "MENTOR_COLOUR",
    "TARGET_COLOUR",
    "TARGET_GID",
    "Frame",
    "Texts",
    "category_axis",
    "lay_out",
    "new_figure",
    "patch",
    "percent_axis",
    "rows_height",
    "style_axes",
    "to_png",
    "vertical_mark",
]

Texts = Callable[..., str]

WIDTH_IN = 12.0
DPI = 100  # 12 in × 100 dpi = 1200 px: wide enough for a phone to show without blur
MARGIN_IN = 0.25
LINE_SPACING = 1.25
GAP_IN = 0.1
NOTE = font(NOTE_PT)
TITLE_COLOUR = "#212121"
NOTE_COLOUR = "#424242"
AXIS_COLOUR = "#616161"
GRID_COLOUR = "#e0e0e0"
MENTEE_COLOUR = "#1565c0"
MENTOR_COLOUR = "#f9a825"
TARGET_COLOUR = "#212121"
TARGET_GID = "target"  # tests find the target marks by it


@dataclass(frozen=True, slots=True)
class Frame:
    """The words around a plot: what it shows, for whom and when, and what it leaves out."""

    title: str
    subtitle: str = ""
    footnotes: tuple[str, ...] = ()
    legend: tuple[Artist, ...] = ()  # handles (`patch`, `vertical_mark`), in a row under the plot


def _lines_height(lines: int, size_pt: float) -> float:
    return lines * size_pt * LINE_SPACING / 72


def rows_height(rows: int, per_row: float, base: float = 1.5, least: float = 5.0) -> float:
    """The plot's height in inches for `rows` bars or groups of bars."""
    return max(least, base + per_row * rows)


def new_figure(
    frame: Frame, plot_height_in: float = 6.0, *, ncols: int = 1
) -> tuple[Figure, list[Axes]]:
    """A figure with the frame's words in bands above and below a plot of this height:
    title and subtitle above; the legend, then the footnotes below."""
    text_width = WIDTH_IN - 2 * MARGIN_IN
    heading = [(frame.title, font(TITLE_PT, bold=True))]
    if frame.subtitle:
        heading.append((frame.subtitle, font(LABEL_PT)))
    blocks = [("\n".join(wrap_to(text, prop, text_width)), prop) for text, prop in heading]
    header = MARGIN_IN + sum(_block_height(text, prop) + GAP_IN for text, prop in blocks)
    note_lines = [line for note in frame.footnotes for line in wrap_to(note, NOTE, text_width)]
    notes = "\n".join(note_lines)
    legend = _lines_height(1, BODY_PT) + 2 * GAP_IN if frame.legend else 0.0
    footer = legend + (_block_height(notes, NOTE) + GAP_IN if notes else 0.0) + MARGIN_IN
    total = header + plot_height_in + footer
    figure = Figure(figsize=(WIDTH_IN, total), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.set_layout_engine(
        ConstrainedLayoutEngine(
            rect=(
                MARGIN_IN / WIDTH_IN,
                footer / total,
                text_width / WIDTH_IN,
                plot_height_in / total,
            )
        )
    )
    top = total - MARGIN_IN
    for text, prop in blocks:
        _band_text(figure, top, text, prop, TITLE_COLOUR)
        top -= _block_height(text, prop) + GAP_IN
    if frame.legend:
        _legend(figure, frame.legend, footer - GAP_IN)
    if notes:
        _band_text(figure, footer - legend, notes, NOTE, NOTE_COLOUR)
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def _block_height(text: str, prop: FontProperties) -> float:
    return _lines_height(text.count("\n") + 1, prop.get_size_in_points())


def _band_text(figure: Figure, top_in: float, text: str, prop: FontProperties, colour: str) -> None:
    figure.text(
        MARGIN_IN,
        top_in,
        text,
        transform=figure.dpi_scale_trans,
        va="top",
        ha="left",
        fontproperties=prop,
        color=colour,
        linespacing=LINE_SPACING,
    )


def lay_out(figure: Figure) -> None:
    """Work out the plot's layout once and keep it: labels placed by measure after it stay
    true, and saving need not draw the figure a second time to lay it out again."""
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)
        figure.set_layout_engine(None)


def to_png(figure: Figure) -> bytes:
    lay_out(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def style_axes(ax: Axes, *, grid: str | None = "x") -> None:
    """Our font on the tick labels that matplotlib creates itself (numbers), a light grid
    behind the bars to read values against, no box."""
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(font(BODY_PT))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid is not None:
        ax.grid(True, axis=grid, color=GRID_COLOUR, linewidth=1)  # type: ignore[arg-type]
        ax.set_axisbelow(True)


def percent_axis(ax: Axes, t: Texts) -> None:
    """0 % to 100 %: a share never reads past the whole."""
    locale = locale_of(t)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_locator(FixedLocator(list(range(0, 101, 20))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(value, locale, digits=0)))


def category_axis(ax: Axes, labels: Sequence[str], width: int) -> None:
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([wrap(label, width) for label in labels], fontproperties=font(BODY_PT))
    ax.set_ylim(len(labels) - 0.4, -0.6)  # the first item reads first, at the top


def patch(colour: str, label: str) -> Patch:
    return Patch(color=colour, label=label)


class _VerticalMarkHandler(HandlerBase):
    """A legend key drawn as a short upright line, as the target marks stand in the plot."""

    def create_artists(
        self,
        legend: Legend,
        orig_handle: Artist,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Transform,
    ) -> list[Artist]:
        x = width / 2 - xdescent
        line = Line2D([x, x], [-ydescent - 0.4 * height, height - ydescent + 0.4 * height])
        assert isinstance(orig_handle, Line2D)
        line.update_from(orig_handle)
        line.set_transform(trans)
        return [line]


def vertical_mark(
    colour: str, label: str, *, linestyle: Literal["-", "--"], linewidth: float
) -> Line2D:
    """The legend's handle for a target drawn as a vertical line in this style."""
    return Line2D([], [], color=colour, linestyle=linestyle, linewidth=linewidth, label=label)


def _legend(figure: Figure, handles: Sequence[Artist], top_in: float) -> None:
    upright: dict[Any, HandlerBase] = {
        handle: _VerticalMarkHandler() for handle in handles if isinstance(handle, Line2D)
    }
    legend = figure.legend(
        handles=list(handles),
        handler_map=upright,
        prop=font(BODY_PT),
        loc="upper center",
        bbox_to_anchor=(WIDTH_IN / 2, top_in),
        bbox_transform=figure.dpi_scale_trans,
        ncols=len(handles),
        frameon=False,
        borderaxespad=0,
        borderpad=0,
    )
    legend.set_in_layout(False)  # it has its band; the plot's layout need not make room
