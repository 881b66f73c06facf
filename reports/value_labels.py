"""Value labels beside horizontal bars that keep clear of the target marks.

A label goes to the first place where it fits inside the axis and touches no mark: after the
bar's end; inside the bar, at its end; past a mark the bar has not reached; inside the bar,
before a mark. If the full text fits nowhere, its short form is tried the same way. Widths
are measured once the layout is done, so the choice holds for the picture as saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from reports.canvas import lay_out

__all__ = ["VALUE_LABEL_GID", "BarLabel", "place_bar_labels"]

VALUE_LABEL_GID = "value-label"  # tests find the labels by it
PAD_PX = 6.0
MARK_CLEARANCE_PX = 5.0  # beyond the mark's half width, on each side
DARK = "#212121"


@dataclass(frozen=True, slots=True)
class BarLabel:
    text: str
    y: float
    start: float  # where the bar starts, in data units
    end: float  # where it ends; a missing value has start == end and no colour
    colour: str | None  # the bar's colour, to pick a readable colour for a label inside
    marks: tuple[float, ...] = ()  # x of the target marks crossing this bar's row
    short: str = ""
    text_colour: str = DARK


def _inside_colour(bar: str) -> str:
    red, green, blue = to_rgb(bar)
    return "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.6 else DARK


def _candidates(
    label: BarLabel, width: float, pad: float, clearance: float
) -> Iterator[tuple[float, bool]]:
    """Left edges to try, and whether the label then sits inside the bar: at the bar's end
    first (outside, then inside), so that it reads as the bar's; past a mark only when the
    bar is too short to hold it."""
    yield label.end + pad, False
    if label.colour is not None:
        yield label.end - pad - width, True
    for mark in sorted(label.marks):
        yield mark + clearance + pad, False
    if label.colour is not None:
        for mark in sorted(label.marks, reverse=True):
            yield mark - clearance - pad - width, True


def _fits(
    spot: tuple[float, bool], width: float, label: BarLabel, axis: tuple[float, float], clear: float
) -> bool:
    left, inside = spot
    right = left + width
    if left < axis[0] or right > axis[1]:
        return False
    if inside and (left < label.start or right > label.end):
        return False
    if not inside and left < label.end:
        return False
    return all(right < mark - clear or left > mark + clear for mark in label.marks)


def place_bar_labels(
    ax: Axes, labels: Sequence[BarLabel], prop: FontProperties, mark_width_px: float = 0.0
) -> list[Text]:
    """Add the labels to `ax`, each where it touches no mark; returns their artists."""
    figure = ax.get_figure(root=True)
    assert figure is not None
    lay_out(figure)  # the layout fixes the scale the widths are measured in, for good
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    x0 = ax.transData.transform((0.0, 0.0))[0]
    scale = ax.transData.transform((1.0, 0.0))[0] - x0  # pixels per data unit
    pad = PAD_PX / scale
    clearance = (mark_width_px / 2 + MARK_CLEARANCE_PX) / scale
    limits = ax.get_xlim()
    artists = []
    for label in labels:
        text = ax.text(label.end, label.y, label.text, va="center", ha="left")
        text.update({"fontproperties": prop, "color": label.text_colour, "gid": VALUE_LABEL_GID})
        text.set_in_layout(False)  # placed inside the axes, so the layout need not make room
        spot = None
        for content in (label.text, label.short) if label.short else (label.text,):
            text.set_text(content)
            width = text.get_window_extent(renderer).width / scale
            spots = _candidates(label, width, pad, clearance)
            spot = next((s for s in spots if _fits(s, width, label, limits, clearance)), None)
            if spot is not None:
                break
        if spot is None:  # nowhere clear: after the bar, but within the picture
            spot = (min(label.end + pad, limits[1] - width), False)
        left, inside = spot
        text.set_x(left)
        if inside and label.colour is not None:
            text.set_color(_inside_colour(label.colour))
        artists.append(text)
    return artists
