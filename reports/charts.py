"""PNG charts of the stats for `/stats` and the back office: pure functions of report data.

Every chart takes `t`, the locale-bound text lookup, for all visible words, and optionally
the `ChartSubject` (territory, period, day of the data) its subtitle names. It returns PNG
bytes, or None when it has nothing to draw: the caller then says so in a sentence instead of
sending an empty picture. What a chart leaves out (organisations or KPIs without data) it
names in a footnote rather than drawing empty rows. `*_figure` give the `Figure` itself, for
tests that measure where things landed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.artist import Artist
from matplotlib.figure import Figure

from i18n.wording import counted
from reports.canvas import (
    AXIS_COLOUR,
    DPI,
    MENTEE_COLOUR,
    MENTOR_COLOUR,
    TARGET_COLOUR,
    TARGET_GID,
    Frame,
    Texts,
    category_axis,
    new_figure,
    patch,
    percent_axis,
    rows_height,
    style_axes,
    to_png,
    vertical_mark,
)
from reports.captions import ChartSubject, locale_of, subtitle
from reports.data import ImpactItem, KpiValue, OrganisationStats, SatisfactionFigures
from reports.fonts import BODY_PT, NOTE_PT, font
from reports.kpi_text import pct
from reports.score_charts import distribution_figure, impact_figure
from reports.value_labels import BarLabel, place_bar_labels

__all__ = [
    "MAX_ORGANISATIONS_SHOWN",
    "TARGET_GID",
    "ChartSubject",
    "distribution_chart",
    "distribution_figure",
    "impact_chart",
    "impact_figure",
    "kpi_chart",
    "kpi_figure",
    "satisfaction_by_organisation_chart",
    "satisfaction_figure",
]

MET_COLOUR = "#2e7d32"
NOT_MET_COLOUR = "#e65100"
KPI_MARK_WIDTH = 3.0  # points
SATISFACTION_MARK_WIDTH = 2.0

# More bars than this stop being readable on a phone: show the best and the worst halves.
MAX_ORGANISATIONS_SHOWN = 20
# Organisations without data are named in the footnote up to this many, else counted.
NAMES_IN_NOTE = 3


def _png(figure: Figure | None) -> bytes | None:
    return None if figure is None else to_png(figure)


def _points_to_px(points: float) -> float:
    return points * DPI / 72


def _kpi_name(kpi: KpiValue, t: Texts) -> str:
    """The KPI as a footnote lists it: «молодые специалисты…», «ОО, внедряющие…»."""
    name = t(f"reports.kpi.{kpi.code}").removesuffix(", %")
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def kpi_figure(
    kpis: Sequence[KpiValue], t: Texts, subject: ChartSubject | None = None
) -> Figure | None:
    """Horizontal bars of each KPI's value with its target marked; green when met."""
    shown = [kpi for kpi in kpis if kpi.value_pct is not None]
    if not shown:
        return None
    missing = [_kpi_name(kpi, t) for kpi in kpis if kpi.value_pct is None]
    notes = (t("reports.chart.without_data", names="; ".join(missing)),) if missing else ()
    legend = (
        patch(MET_COLOUR, t("reports.chart.met")),
        patch(NOT_MET_COLOUR, t("reports.chart.not_met")),
        vertical_mark(
            TARGET_COLOUR, t("reports.chart.target"), linestyle="-", linewidth=KPI_MARK_WIDTH
        ),
    )
    frame = Frame(t("reports.chart.kpi_title"), subtitle(subject, t), notes, legend)
    figure, (ax,) = new_figure(frame, rows_height(len(shown), per_row=0.85))
    positions = range(len(shown))
    values = [min(kpi.value_pct or 0.0, 100.0) for kpi in shown]  # the axis ends at 100 %
    colours = [MET_COLOUR if kpi.met else NOT_MET_COLOUR for kpi in shown]
    ax.barh(positions, values, color=colours, height=0.6)
    ax.vlines(
        [kpi.target_pct for kpi in shown],
        [p - 0.4 for p in positions],
        [p + 0.4 for p in positions],
        colors=TARGET_COLOUR,
        linewidth=KPI_MARK_WIDTH,
        gid=TARGET_GID,
        clip_on=False,  # a target of 100 % stands on the axis's end, whole
    )
    percent_axis(ax, t)
    category_axis(ax, [t(f"reports.kpi.{kpi.code}") for kpi in shown], width=32)
    style_axes(ax)
    labels = []
    for position, kpi, value, colour in zip(positions, shown, values, colours, strict=True):
        assert kpi.value_pct is not None
        share = pct(kpi.value_pct, t)
        text = t(
            "reports.chart.kpi_value",
            value=share,
            numerator=kpi.numerator,
            denominator=kpi.denominator,
        )
        labels.append(BarLabel(text, position, 0.0, value, colour, (kpi.target_pct,), share))
    place_bar_labels(ax, labels, font(BODY_PT), _points_to_px(KPI_MARK_WIDTH))
    return figure


def kpi_chart(
    kpis: Sequence[KpiValue], t: Texts, subject: ChartSubject | None = None
) -> bytes | None:
    return _png(kpi_figure(kpis, t, subject))


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
    ranked = sorted(orgs, key=lambda org: -(_org_rank(org) or 0.0))
    if len(ranked) <= limit:
        return ranked, 0
    half = limit // 2
    return [*ranked[:half], *ranked[-(limit - half) :]], len(ranked) - limit


def _satisfaction_targets(orgs: Sequence[OrganisationStats]) -> tuple[float, ...]:
    codes = {"mentee_satisfaction", "mentor_satisfaction"}
    for org in orgs:
        targets = {kpi.target_pct for kpi in org.kpis if kpi.code in codes}
        if targets:
            return tuple(sorted(targets))
    return ()


def _without_data_note(orgs: Sequence[OrganisationStats], t: Texts) -> str:
    """«Без данных: МБОУ СОШ № 3» for a few, «Без данных: 12 организаций» for more."""
    if len(orgs) <= NAMES_IN_NOTE:
        return t("reports.chart.without_data", names=", ".join(org.name for org in orgs))
    return counted(len(orgs), "reports.chart.organisations_without_data", t, locale_of(t))


def satisfaction_figure(
    orgs: Sequence[OrganisationStats], t: Texts, subject: ChartSubject | None = None
) -> Figure | None:
    """Mentee and mentor satisfaction side by side for each organisation of a scope that
    has answers; the others are named (or counted) in a footnote."""
    answered = [org for org in orgs if _org_rank(org) is not None]
    if not answered:
        return None
    shown, hidden = _pick_organisations(answered, MAX_ORGANISATIONS_SHOWN)
    notes = []
    if hidden:
        notes.append(t("reports.chart.top_bottom_note", shown=len(shown), total=len(answered)))
    if len(answered) < len(orgs):
        notes.append(_without_data_note([org for org in orgs if _org_rank(org) is None], t))
    targets = _satisfaction_targets(orgs)
    legend: list[Artist] = [
        patch(MENTEE_COLOUR, t("reports.chart.mentees")),
        patch(MENTOR_COLOUR, t("reports.chart.mentors")),
    ]
    if targets:
        legend.append(
            vertical_mark(
                TARGET_COLOUR,
                t("reports.chart.target"),
                linestyle="--",
                linewidth=SATISFACTION_MARK_WIDTH,
            )
        )
    title = t("reports.chart.satisfaction_title")
    frame = Frame(title, subtitle(subject, t), tuple(notes), tuple(legend))
    figure, (ax,) = new_figure(frame, rows_height(len(shown), per_row=0.8))
    if hidden:  # between the best and the worst
        half = len(shown) // 2
        ax.axhline(half - 0.5, color=AXIS_COLOUR, linestyle=":", linewidth=1)
    for target in targets:
        ax.axvline(
            target,
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=SATISFACTION_MARK_WIDTH,
            gid=TARGET_GID,
        )
    bar = 0.38
    labels = []
    roles = ((-bar / 2, MENTEE_COLOUR, "mentee"), (bar / 2, MENTOR_COLOUR, "mentor"))
    for offset, colour, role in roles:
        pcts = [_role_figures(org, role).satisfaction_pct for org in shown]
        positions = [index + offset for index in range(len(shown))]
        ax.barh(positions, [value or 0.0 for value in pcts], height=bar, color=colour)
        for position, value in zip(positions, pcts, strict=True):
            if value is None:
                text, end, shade = t("reports.chart.no_answers"), 0.0, None
            else:
                text, end, shade = pct(value, t), value, colour
            grey = "#757575" if value is None else "#212121"
            labels.append(BarLabel(text, position, 0.0, end, shade, targets, text_colour=grey))
    percent_axis(ax, t)
    category_axis(ax, [org.name for org in shown], width=30 if len(shown) <= 10 else 40)
    style_axes(ax)
    size = NOTE_PT if len(shown) > 10 else BODY_PT
    place_bar_labels(ax, labels, font(size), _points_to_px(SATISFACTION_MARK_WIDTH))
    return figure


def satisfaction_by_organisation_chart(
    orgs: Sequence[OrganisationStats], t: Texts, subject: ChartSubject | None = None
) -> bytes | None:
    return _png(satisfaction_figure(orgs, t, subject))


def _role_figures(org: OrganisationStats, role: str) -> SatisfactionFigures:
    return org.mentee_satisfaction if role == "mentee" else org.mentor_satisfaction


def distribution_chart(
    figures_mentee: SatisfactionFigures | None,
    figures_mentor: SatisfactionFigures | None,
    t: Texts,
    subject: ChartSubject | None = None,
) -> bytes | None:
    """Histograms of respondents' normalised (0–100) satisfaction scores, one per role."""
    return _png(distribution_figure(figures_mentee, figures_mentor, t, subject))


def impact_chart(
    items: Sequence[ImpactItem],
    t: Texts,
    labels: Mapping[str, str] | None = None,
    subject: ChartSubject | None = None,
) -> bytes | None:
    """Before/after means per impact-monitoring item; `labels` maps item codes to texts."""
    return _png(impact_figure(items, t, labels, subject))
