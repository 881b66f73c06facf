"""PNG charts of the stats for `/stats` and the back office: pure functions of report data.

Every function takes `t`, the locale-bound text lookup, for all visible labels, and returns
PNG bytes. Empty input draws a "no data" picture instead of failing: a coordinator at the
start of a year has nothing to chart yet and should see why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from reports.canvas import (
    Texts,
    category_axis,
    height_for,
    legend_below,
    new_figure,
    no_data,
    no_data_png,
    percent_axis,
    style_axes,
    to_png,
)
from reports.data import ImpactItem, KpiValue, OrganisationStats, SatisfactionFigures
from reports.fonts import BODY_PT, LABEL_PT, TITLE_PT, font

__all__ = [
    "MAX_ORGANISATIONS_SHOWN",
    "distribution_chart",
    "impact_chart",
    "kpi_chart",
    "satisfaction_by_organisation_chart",
]

MET_COLOUR = "#2e7d32"
NOT_MET_COLOUR = "#e65100"
MENTEE_COLOUR = "#1565c0"
MENTOR_COLOUR = "#f9a825"
BEFORE_COLOUR = "#90a4ae"
AFTER_COLOUR = "#1565c0"
TARGET_COLOUR = "#212121"

# More bars than this stop being readable on a phone: show the best and the worst halves.
MAX_ORGANISATIONS_SHOWN = 20
MAX_IMPACT_ITEMS = 25


def _pct_label(value: float | None, t: Texts) -> str:
    return t("reports.chart.no_value") if value is None else t("reports.chart.pct", value=value)


def kpi_chart(kpis: Sequence[KpiValue], t: Texts) -> bytes:
    """Horizontal bars of each KPI's value with its target marked; green when met."""
    title = t("reports.chart.kpi_title")
    if not kpis:
        return no_data_png(title, t)
    figure, (ax,) = new_figure(height_for(len(kpis), per_row=1.0))
    values = [kpi.value_pct or 0.0 for kpi in kpis]
    upper = max(100.0, *values, *(kpi.target_pct for kpi in kpis)) * 1.3
    positions = range(len(kpis))
    colours = [MET_COLOUR if kpi.met else NOT_MET_COLOUR for kpi in kpis]
    ax.barh(positions, values, color=colours, height=0.6)
    ax.vlines(
        [kpi.target_pct for kpi in kpis],
        [p - 0.4 for p in positions],
        [p + 0.4 for p in positions],
        colors=TARGET_COLOUR,
        linewidth=3,
    )
    for position, kpi, value in zip(positions, kpis, values, strict=True):
        label = _pct_label(kpi.value_pct, t)
        if kpi.value_pct is not None:
            label = t(
                "reports.chart.kpi_value",
                value=label,
                numerator=kpi.numerator,
                denominator=kpi.denominator,
            )
        ax.text(value + upper * 0.01, position, label, va="center", fontproperties=font(BODY_PT))
    percent_axis(ax, upper)
    category_axis(ax, [t(f"reports.kpi.{kpi.code}") for kpi in kpis], width=28)
    legend_below(
        ax,
        [
            (MET_COLOUR, t("reports.chart.met")),
            (NOT_MET_COLOUR, t("reports.chart.not_met")),
            (TARGET_COLOUR, t("reports.chart.target")),
        ],
    )
    style_axes(ax)
    figure.suptitle(title, fontproperties=font(TITLE_PT, bold=True))
    return to_png(figure)


def _org_rank(org: OrganisationStats) -> float | None:
    known = [
        figures.satisfaction_pct
        for figures in (org.mentee_satisfaction, org.mentor_satisfaction)
        if figures.satisfaction_pct is not None
    ]
    return sum(known) / len(known) if known else None


def _pick_organisations(
    orgs: Sequence[OrganisationStats], limit: int
) -> tuple[list[OrganisationStats], int]:
    """Best first; when there are too many, the top and the bottom halves of the ranking."""
    ranked = sorted(orgs, key=lambda org: (_org_rank(org) is None, -(_org_rank(org) or 0.0)))
    if len(ranked) <= limit:
        return ranked, 0
    half = limit // 2
    return [*ranked[:half], *ranked[-(limit - half) :]], len(ranked) - limit


def _satisfaction_target(orgs: Sequence[OrganisationStats]) -> float | None:
    for org in orgs:
        for kpi in org.kpis:
            if kpi.code == "mentee_satisfaction":
                return kpi.target_pct
    return None


def satisfaction_by_organisation_chart(orgs: Sequence[OrganisationStats], t: Texts) -> bytes:
    """Mentee and mentor satisfaction side by side for each organisation of a scope."""
    title = t("reports.chart.satisfaction_title")
    if not orgs:
        return no_data_png(title, t)
    shown, hidden = _pick_organisations(orgs, MAX_ORGANISATIONS_SHOWN)
    figure, (ax,) = new_figure(height_for(len(shown), per_row=0.75))
    bar = 0.38
    for offset, colour, role in (
        (-bar / 2, MENTEE_COLOUR, "mentee"),
        (bar / 2, MENTOR_COLOUR, "mentor"),
    ):
        pcts = [_role_figures(org, role).satisfaction_pct for org in shown]
        positions = [index + offset for index in range(len(shown))]
        ax.barh(positions, [pct or 0.0 for pct in pcts], height=bar, color=colour)
        for position, pct in zip(positions, pcts, strict=True):
            ax.text(
                (pct or 0.0) + 1,
                position,
                _pct_label(pct, t),
                va="center",
                fontproperties=font(BODY_PT - 2 if len(shown) > 10 else BODY_PT),
            )
    target = _satisfaction_target(orgs)
    entries = [
        (MENTEE_COLOUR, t("reports.chart.mentees")),
        (MENTOR_COLOUR, t("reports.chart.mentors")),
    ]
    if target is not None:
        ax.axvline(target, color=TARGET_COLOUR, linestyle="--", linewidth=2)
        entries.append((TARGET_COLOUR, t("reports.chart.target")))
    percent_axis(ax, 125)
    category_axis(ax, [org.name for org in shown], width=30 if len(shown) <= 10 else 40)
    legend_below(ax, entries)
    style_axes(ax)
    figure.suptitle(title, fontproperties=font(TITLE_PT, bold=True))
    if hidden:
        note = t("reports.chart.top_bottom_note", shown=len(shown), total=len(orgs))
        ax.set_title(note, fontproperties=font(BODY_PT), loc="left")
    return to_png(figure)


def _role_figures(org: OrganisationStats, role: str) -> SatisfactionFigures:
    return org.mentee_satisfaction if role == "mentee" else org.mentor_satisfaction


def _histogram(
    ax: Axes, figures: SatisfactionFigures | None, name: str, colour: str, t: Texts
) -> None:
    ax.set_title(name, fontproperties=font(LABEL_PT, bold=True))
    if figures is None or not any(count for _, _, count in figures.distribution):
        no_data(ax, t)
        return
    lows = [low for low, _, _ in figures.distribution]
    widths = [high - low for low, high, _ in figures.distribution]
    counts = [count for _, _, count in figures.distribution]
    ax.bar(lows, counts, width=widths, align="edge", color=colour, edgecolor="white")
    if figures.method == "share":
        ax.axvline(figures.threshold, color=TARGET_COLOUR, linestyle="--", linewidth=2)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("reports.chart.score_axis"), fontproperties=font(BODY_PT))
    ax.set_ylabel(t("reports.chart.respondents_axis"), fontproperties=font(BODY_PT))
    summary = t(
        "reports.chart.distribution_summary",
        pct=_pct_label(figures.satisfaction_pct, t),
        respondents=figures.respondents,
        asked=figures.asked,
    )
    ax.text(0.02, 0.98, summary, transform=ax.transAxes, va="top", fontproperties=font(BODY_PT))
    ax.set_ylim(0, max(counts) * 1.35)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # respondents are whole people
    style_axes(ax)


def distribution_chart(
    figures_mentee: SatisfactionFigures | None, figures_mentor: SatisfactionFigures | None, t: Texts
) -> bytes:
    """Histograms of respondents' normalised (0–100) satisfaction scores, one per role."""
    figure, axes = new_figure(ncols=2)
    _histogram(axes[0], figures_mentee, t("reports.chart.mentees"), MENTEE_COLOUR, t)
    _histogram(axes[1], figures_mentor, t("reports.chart.mentors"), MENTOR_COLOUR, t)
    figure.suptitle(t("reports.chart.distribution_title"), fontproperties=font(TITLE_PT, bold=True))
    return to_png(figure)


def impact_chart(
    items: Sequence[ImpactItem], t: Texts, labels: Mapping[str, str] | None = None
) -> bytes:
    """Before/after means per impact-monitoring item; `labels` maps item codes to their texts."""
    title = t("reports.chart.impact_title")
    items = [item for item in items if item.mean_before is not None or item.mean_after is not None]
    if not items:
        return no_data_png(title, t)
    items = items[:MAX_IMPACT_ITEMS]
    figure, (ax,) = new_figure(height_for(len(items), per_row=0.8))
    upper = max(
        (v for item in items for v in (item.mean_before, item.mean_after) if v), default=1.0
    )
    bar = 0.38
    for offset, colour, attr in (
        (-bar / 2, BEFORE_COLOUR, "mean_before"),
        (bar / 2, AFTER_COLOUR, "mean_after"),
    ):
        means = [getattr(item, attr) or 0.0 for item in items]
        ax.barh([i + offset for i in range(len(items))], means, height=bar, color=colour)
    for index, item in enumerate(items):
        label = (
            t("reports.chart.impact_change", change=item.change) if item.change is not None else ""
        )
        end = max(item.mean_before or 0.0, item.mean_after or 0.0)
        ax.text(end + upper * 0.02, index, label, va="center", fontproperties=font(BODY_PT))
    ax.set_xlim(0, upper * 1.3)
    category_axis(ax, [(labels or {}).get(item.item_code, item.item_code) for item in items], 30)
    legend_below(
        ax, [(BEFORE_COLOUR, t("reports.chart.before")), (AFTER_COLOUR, t("reports.chart.after"))]
    )
    style_axes(ax)
    figure.suptitle(title, fontproperties=font(TITLE_PT, bold=True))
    return to_png(figure)
