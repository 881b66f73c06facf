"""Charts of questionnaire scores: how satisfied respondents are (a histogram per role) and
what changed for them (impact monitoring, мониторинг влияния: before and after).

Like `reports.charts`, each gives a `Figure`, or None when there is nothing to draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from i18n.wording import number
from reports.canvas import (
    MENTEE_COLOUR,
    MENTOR_COLOUR,
    TARGET_COLOUR,
    TARGET_GID,
    Frame,
    Texts,
    category_axis,
    new_figure,
    patch,
    rows_height,
    style_axes,
    vertical_mark,
)
from reports.captions import ChartSubject, locale_of, subtitle
from reports.data import ImpactItem, SatisfactionFigures
from reports.fonts import BODY_PT, LABEL_PT, NOTE_PT, font
from reports.kpi_text import pct
from reports.value_labels import BarLabel, place_bar_labels

__all__ = ["IMPACT_SCALE", "MAX_IMPACT_ITEMS", "distribution_figure", "impact_figure"]

BEFORE_COLOUR = "#90a4ae"
AFTER_COLOUR = "#1565c0"
THRESHOLD_WIDTH = 2.0
SUMMARY_GID = "summary"
MAX_IMPACT_ITEMS = 25
IMPACT_SCALE = (1, 10)  # the questionnaires' impact items (ImpactItem: means on 1–10)


def _answered(figures: SatisfactionFigures | None) -> bool:
    return figures is not None and any(count for _, _, count in figures.distribution)


def _summary(figures: SatisfactionFigures, t: Texts) -> str:
    if figures.method == "share" and figures.satisfaction_pct is not None:
        headline = t("reports.chart.satisfied", pct=pct(figures.satisfaction_pct, t))
    elif figures.mean_normalised is not None:
        mean = number(figures.mean_normalised, locale_of(t))
        headline = t("reports.chart.mean_score", mean=mean)
    else:
        headline = ""
    answered = t("reports.chart.answered", respondents=figures.respondents, asked=figures.asked)
    return f"{headline}\n{answered}" if headline else answered


def _histogram(ax: Axes, figures: SatisfactionFigures, name: str, colour: str, t: Texts) -> None:
    ax.set_title(name, fontproperties=font(LABEL_PT, bold=True), loc="left")
    lows = [low for low, _, _ in figures.distribution]
    widths = [high - low for low, high, _ in figures.distribution]
    counts = [count for _, _, count in figures.distribution]
    ax.bar(lows, counts, width=widths, align="edge", color=colour, edgecolor="white")
    threshold = figures.threshold if figures.method == "share" else None
    if threshold is not None:
        ax.axvline(
            threshold,
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=THRESHOLD_WIDTH,
            gid=TARGET_GID,
        )
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_locator(FixedLocator(list(range(0, 101, 20))))
    ax.set_xlabel(t("reports.chart.score_axis"), fontproperties=font(BODY_PT))
    ax.set_ylabel(t("reports.chart.respondents_axis"), fontproperties=font(BODY_PT))
    # The summary stands in the corner away from the threshold, so the line never runs
    # through it; the headroom above the tallest bar keeps the bars clear of it.
    left = threshold is None or threshold >= 50
    ax.text(
        0.02 if left else 0.98,
        0.98,
        _summary(figures, t),
        transform=ax.transAxes,
        va="top",
        ha="left" if left else "right",
        fontproperties=font(BODY_PT),
        gid=SUMMARY_GID,
    )
    ax.set_ylim(0, max(counts) * 1.4)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # respondents are whole people
    style_axes(ax, grid="y")


def distribution_figure(
    figures_mentee: SatisfactionFigures | None,
    figures_mentor: SatisfactionFigures | None,
    t: Texts,
    subject: ChartSubject | None = None,
) -> Figure | None:
    """A histogram per role that has answers; a role without says so in a footnote."""
    roles = (
        (figures_mentee, t("reports.chart.mentees"), MENTEE_COLOUR),
        (figures_mentor, t("reports.chart.mentors"), MENTOR_COLOUR),
    )
    panels = [(figures, name, colour) for figures, name, colour in roles if _answered(figures)]
    if not panels:
        return None
    notes = tuple(
        t("reports.chart.role_no_answers", role=name)
        for figures, name, _ in roles
        if not _answered(figures)
    )
    first = panels[0][0]
    assert first is not None
    legend: tuple[Artist, ...] = ()
    if first.method == "share":
        threshold = number(first.threshold, locale_of(t))
        mark = vertical_mark(
            TARGET_COLOUR,
            t("reports.chart.threshold", threshold=threshold),
            linestyle="--",
            linewidth=THRESHOLD_WIDTH,
        )
        legend = (mark,)
    frame = Frame(t("reports.chart.distribution_title"), subtitle(subject, t), notes, legend)
    figure, axes = new_figure(frame, 6.0, ncols=len(panels))
    for ax, (figures, name, colour) in zip(axes, panels, strict=True):
        assert figures is not None
        _histogram(ax, figures, name, colour, t)
    return figure


def _signed(value: float, locale: str) -> str:
    """+1,2 / −0,3 / ±0,0: the change as a report prints it, with a true minus sign."""
    rounded = round(value, 1)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return sign + number(abs(rounded), locale, fixed=True)


def impact_figure(
    items: Sequence[ImpactItem],
    t: Texts,
    labels: Mapping[str, str] | None = None,
    subject: ChartSubject | None = None,
) -> Figure | None:
    """Before/after means per impact-monitoring item, on the questionnaire's scale from its
    minimum; `labels` maps item codes to their texts."""
    answered = [i for i in items if i.mean_before is not None or i.mean_after is not None]
    if not answered:
        return None
    shown = answered[:MAX_IMPACT_ITEMS]
    notes = []
    if len(shown) < len(answered):
        notes.append(t("reports.chart.impact_shown", shown=len(shown), total=len(answered)))
    legend = []
    for side, colour in (("before", BEFORE_COLOUR), ("after", AFTER_COLOUR)):
        if any(getattr(item, f"mean_{side}") is not None for item in shown):
            legend.append(patch(colour, t(f"reports.chart.{side}")))
        else:  # e.g. before the final questionnaire: the baseline alone, and why
            notes.append(t(f"reports.chart.impact_no_{side}"))
    title = t("reports.chart.impact_title")
    frame = Frame(title, subtitle(subject, t), tuple(notes), tuple(legend))
    figure, (ax,) = new_figure(frame, rows_height(len(shown), per_row=0.8))
    low, high = IMPACT_SCALE
    locale = locale_of(t)
    bar = 0.38
    bar_labels = []
    sides = ((-bar / 2, BEFORE_COLOUR, True), (bar / 2, AFTER_COLOUR, False))
    for offset, colour, before in sides:
        rows = [
            (index + offset, item.mean_before if before else item.mean_after, item)
            for index, item in enumerate(shown)
        ]
        drawn = [(y, mean, item) for y, mean, item in rows if mean is not None]
        ax.barh(
            [y for y, _, _ in drawn],
            [mean - low for _, mean, _ in drawn],
            left=low,
            height=bar,
            color=colour,
        )
        for y, mean, item in drawn:
            value = number(mean, locale, fixed=True)
            text = value
            if not before and item.change is not None:
                change = _signed(item.change, locale)
                text = t("reports.chart.impact_after", value=value, change=change)
            bar_labels.append(BarLabel(text, y, low, mean, colour, short=value))
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(FixedLocator(list(range(low, high + 1))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, locale)))
    ax.set_xlabel(t("reports.chart.impact_axis", low=low, high=high), fontproperties=font(BODY_PT))
    ax.set_ylabel(t("reports.chart.impact_items_axis"), fontproperties=font(BODY_PT))
    names = [(labels or {}).get(item.item_code, item.item_code) for item in shown]
    category_axis(ax, names, 30)
    style_axes(ax)
    place_bar_labels(ax, bar_labels, font(NOTE_PT if len(shown) > 10 else BODY_PT))
    return figure
