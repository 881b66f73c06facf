"""Figure plumbing shared by the charts: a thread-safe canvas, axes in our font, PNG output.

Charts are drawn on a bare `Figure` with its own Agg canvas, never through `pyplot`: pyplot
keeps global state, and the bot renders charts in a worker thread.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from reports.fonts import BODY_PT, TITLE_PT, font

__all__ = [
    "Texts",
    "category_axis",
    "height_for",
    "legend_below",
    "new_figure",
    "no_data",
    "no_data_png",
    "percent_axis",
    "style_axes",
    "to_png",
    "wrap",
]

Texts = Callable[..., str]

WIDTH_IN = 12.0
DPI = 100  # 12 in × 100 dpi = 1200 px: wide enough for a phone to show without blur


def new_figure(height_in: float = 8.0, *, ncols: int = 1) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def height_for(rows: int, per_row: float = 0.9, base: float = 2.5) -> float:
    return max(8.0, base + per_row * rows)


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def wrap(text: str, width: int, max_lines: int = 3) -> str:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], textwrap.shorten(rest, width)]
    return "\n".join(lines)


def style_axes(ax: Axes) -> None:
    """Apply our font to the tick labels that matplotlib creates itself (numbers)."""
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(font(BODY_PT))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def percent_axis(ax: Axes, upper: float) -> None:
    ticks = list(range(0, int(upper) + 1, 20 if upper <= 200 else 50))
    ax.set_xlim(0, upper)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{tick}%" for tick in ticks], fontproperties=font(BODY_PT))


def category_axis(ax: Axes, labels: Sequence[str], width: int) -> None:
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([wrap(label, width) for label in labels], fontproperties=font(BODY_PT))
    ax.invert_yaxis()  # the first item reads first, at the top


def legend_below(ax: Axes, entries: Sequence[tuple[str, str]]) -> None:
    handles = [Patch(color=colour, label=label) for colour, label in entries]
    # Below the plot, outside it: inside, a legend would hide the longest bars.
    ax.figure.legend(
        handles=handles,
        prop=font(BODY_PT),
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
    )


def no_data(ax: Axes, t: Texts) -> None:
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        t("reports.chart.no_data"),
        ha="center",
        va="center",
        fontproperties=font(TITLE_PT, bold=True),
        transform=ax.transAxes,
        color="#616161",
    )


def no_data_png(title: str, t: Texts) -> bytes:
    figure, (ax,) = new_figure()
    figure.suptitle(title, fontproperties=font(TITLE_PT, bold=True))
    no_data(ax, t)
    return to_png(figure)
