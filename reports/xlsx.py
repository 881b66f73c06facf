"""The analytical note (аналитическая справка) as an XLSX workbook: a pure function of a report.

Every sheet opens with a title block (the territory, the period in words, when it was made in
the scope's local time) above its table. The first sheet is the organisations × KPIs matrix
with the target row, values below target marked; the long list (one row per KPI) follows.
Percentages are fractions with a `%` format, so they sort, sum and chart in Excel; every label
comes from the locale file through `t`; every text goes through the inert writer
(`reports.workbook`), so a curator's order number or practice title is never a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from i18n.wording import period_title, zone_label
from reports.data import KPI_CODES, KpiValue, OrganisationStats, StatsReport
from reports.kpi_matrix import kpi_matrix_sheet
from reports.kpi_text import kpi_missing
from reports.labels import label
from reports.layout import (
    BELOW_TARGET,
    DATE,
    DATETIME,
    LINK,
    MAX_WIDTH,
    PCT,
    SCORE,
    Table,
    title_block,
    wrapped_height,
)
from reports.workbook import Sheet, Style, Workbook

__all__ = ["analytical_report", "local_time", "title_lines"]

Texts = Callable[..., str]
MEAN_FORMAT = Style(number_format="0.00")
CHANGE_FORMAT = Style(number_format="+0.00;-0.00;0.00")
TOP = Style(vertical="top")


def _fraction(pct: float | None) -> float | None:
    return None if pct is None else pct / 100.0


def local_time(moment: datetime, zone: str) -> datetime:
    """The wall time in the zone, naive (Excel keeps no zone); a naive moment is UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return aware.astimezone(tz).replace(tzinfo=None)


def _zone(report: StatsReport, t: Texts) -> str:
    """«Москва (UTC+3)»."""
    return zone_label(report.timezone, t("reports.kpi_text.number_locale"), report.generated_at)


def _zone_text(report: StatsReport, t: Texts) -> str:
    zone = _zone(report, t)
    count, total = report.timezone_organisations, report.organisation_count
    if total <= 1:
        return t("reports.title.zone_one", zone=zone)
    if count >= total:
        return t("reports.title.zone_all", zone=zone)
    return t("reports.title.zone_majority", zone=zone, count=count, total=total)


def title_lines(report: StatsReport, t: Texts) -> list[tuple[str, object]]:
    """Territory, period, when made (local time) and in which zone: the top of every sheet."""
    made = t(
        "reports.title.made_at",
        time=local_time(report.generated_at, report.timezone),
        zone=_zone(report, t),
    )
    if report.counted_at is not None:
        counted = local_time(report.counted_at, report.timezone)
        made = t("reports.title.counted_at", made=made, time=counted)
    return [
        (t("reports.title.scope"), report.scope_label),
        (t("reports.title.period"), period_title(report.period_label, t)),
        (t("reports.title.made"), made),
        (t("reports.title.zone"), _zone_text(report, t)),
    ]


class _Book:
    """The workbook under construction and what every sheet shares."""

    def __init__(self, report: StatsReport, t: Texts) -> None:
        self.report, self.t = report, t
        self.workbook = Workbook()
        self.lines = title_lines(report, t)
        self.label_width = 0

    def sheet(self, key: str, *, value_column: int = 2) -> Sheet:
        """A new sheet with its title block written."""
        t = self.t
        sheet = self.workbook.sheet(t(f"reports.sheet.{key}"))
        sheet.footer = t("reports.xlsx.footer")
        heading = t(f"reports.heading.{key}")
        self.label_width = title_block(sheet, heading, self.lines, value_column=value_column)
        return sheet

    def table(
        self, key: str, columns: tuple[str, ...], styles: dict[int, Style] | None = None
    ) -> Table:
        t = self.t
        header = [t(f"reports.column.{column}") for column in columns]
        sheet = self.sheet(key)
        return Table(sheet, header, styles, frozen=1, first_width=self.label_width)

    def organisations(self) -> list[tuple[str, OrganisationStats]]:
        """The total over the scope first, then each organisation."""
        report = self.report
        return [(self.t("reports.xlsx.total"), report.total)] + [
            (org.name, org) for org in report.by_organisation
        ]


def _below(kpi: KpiValue) -> bool:
    # As mentoring.stats.lagging.below_target: a value that misses the target; none is no data.
    return kpi.value_pct is not None and not kpi.met


def _kpi_list(book: _Book) -> None:
    """The long list: a row per organisation and KPI with its numerator and denominator."""
    t = book.t
    columns = ("organisation", "indicator", "value", "numerator", "denominator", "target", "met")
    table = book.table("kpi", columns, {2: PCT, 5: PCT})
    styles = [None, None, PCT, None, None, PCT, None]
    marked = [None, None, BELOW_TARGET, None, None, PCT, None]
    for name, org in book.organisations():
        for kpi in org.kpis:
            table.add(
                (
                    name,
                    t(f"reports.kpi.{kpi.code}"),
                    _fraction(kpi.value_pct),
                    kpi.numerator,
                    kpi.denominator,
                    _fraction(kpi.target_pct),
                    kpi_missing(kpi, t)
                    or (t("reports.xlsx.met_yes") if kpi.met else t("reports.xlsx.met_no")),
                ),
                marked if _below(kpi) else styles,
            )
    table.close()


def _satisfaction(book: _Book) -> None:
    """Per organisation and role: the figures and the score distribution, a column per bin."""
    t = book.t
    columns = (
        "organisation",
        "role",
        "method",
        "threshold",
        "satisfaction",
        "mean_normalised",
        "mean_raw",
        "respondents",
        "asked",
        "response_rate",
    )
    total = book.report.total.mentee_satisfaction
    bins = [(low, high) for low, high, _ in total.distribution]
    header = [t(f"reports.column.{column}") for column in columns] + [
        t("reports.column.score_bin", low=low, high=high) for low, high in bins
    ]
    formats = {3: SCORE, 4: PCT, 5: SCORE, 6: MEAN_FORMAT, 9: PCT}
    sheet = book.sheet("satisfaction")
    table = Table(sheet, header, formats, frozen=2, first_width=book.label_width)
    for name, org in book.organisations():
        for figures in (org.mentee_satisfaction, org.mentor_satisfaction):
            counts = {(low, high): count for low, high, count in figures.distribution}
            table.add(
                (
                    name,
                    t(f"reports.role.{figures.role}"),
                    t(f"reports.method_name.{figures.method}"),
                    figures.threshold,
                    _fraction(figures.satisfaction_pct),
                    figures.mean_normalised,
                    figures.mean_raw,
                    figures.respondents,
                    figures.asked,
                    _fraction(figures.response_rate_pct),
                    *(counts.get(bin_, 0) for bin_ in bins),
                )
            )
    table.close()


def _responses(book: _Book) -> None:
    columns = ("organisation", "survey", "deadline", "asked", "answered", "started")
    table = book.table("responses", (*columns, "response_rate"), {2: DATE, 6: PCT})
    for rate in book.report.response_rates:
        table.add(
            (
                rate.organisation,
                rate.survey_title,
                rate.deadline,
                rate.asked,
                rate.answered,
                rate.started,
                _fraction(rate.answered_pct),
            )
        )
    table.close()


def _pairs(book: _Book) -> None:
    """A region's 70,000 rows: plain values, one style for the dates, nothing per cell."""
    t = book.t
    columns = ("organisation", "mentor", "mentees", "form", "order_number", "order_date", "status")
    table = book.table("pairs", columns)
    erased = t("reports.xlsx.erased")  # /forget leaves a pair with a nameless person
    forms: dict[str, str] = {}
    statuses: dict[str, str] = {}
    rows: list[tuple[object, ...]] = []
    for pair in book.report.pairs:
        form = forms.get(pair.form)
        if form is None:
            form = forms[pair.form] = label(t, f"pairs.form.{pair.form}", pair.form)
        status = statuses.get(pair.status)
        if status is None:
            status = statuses[pair.status] = label(
                t, f"reports.pair_status.{pair.status}", pair.status
            )
        rows.append(
            (
                pair.organisation,
                pair.mentor or erased,
                ", ".join(name or erased for name in pair.mentees),
                form,
                pair.order_number,
                pair.order_date,
                status,
            )
        )
    table.add_all(rows)
    table.close()


def _by_form(book: _Book) -> None:
    t = book.t
    columns = ("form", "pairs_formed", "pairs_active", "pairs_dissolved", "mentees_active")
    table = book.table("by_form", (*columns, "meetings_held"))
    for row in book.report.by_form:
        table.add(
            (
                label(t, f"pairs.form.{row.form}", row.form),
                row.pairs_formed,
                row.pairs_active,
                row.pairs_dissolved,
                row.mentees_active,
                row.meetings_held,
            )
        )
    table.close()


def _meetings(book: _Book) -> None:
    t = book.t
    organisations = book.organisations()
    # Meeting types are an open list: columns are the union of the types seen, in a stable order.
    types = sorted({kind for _, org in organisations for kind in org.meetings_held_by_type})
    header = [
        t("reports.column.organisation"),
        *(label(t, f"reports.meeting_type.{kind}", kind) for kind in types),
        t("reports.column.total"),
    ]
    sheet = book.sheet("meetings")
    table = Table(sheet, header, frozen=1, first_width=book.label_width)
    for name, org in organisations:
        counts = [org.meetings_held_by_type.get(kind, 0) for kind in types]
        table.add((name, *counts, sum(counts)))
    table.close()


def _impact(book: _Book) -> None:
    t = book.t
    styles = {1: MEAN_FORMAT, 2: MEAN_FORMAT, 3: CHANGE_FORMAT}
    table = book.table("impact", ("item", "before", "after", "change", "n"), styles)
    for item in book.report.impact:
        table.add(
            (
                label(t, f"reports.impact_item.{item.item_code}", item.item_code),
                item.mean_before,
                item.mean_after,
                item.change,
                item.n,
            )
        )
    table.close()


def _practices(book: _Book) -> None:
    table = book.table("practices", ("organisation", "quarter", "title", "form", "link"))
    for practice in book.report.practices:
        link = practice.link.startswith(("http://", "https://"))
        row = table.add(
            (
                practice.organisation,
                period_title(practice.quarter, book.t),
                practice.title,
                label(book.t, f"pairs.form.{practice.form}", practice.form),
                practice.link,
            ),
            [None, None, None, None, LINK if link else None],
        )
        if link:
            table.sheet.link(row, 5, practice.link)
    table.close()


def _method_rows(report: StatsReport, t: Texts) -> list[tuple[str, Any]]:
    targets = {kpi.code: kpi.target_pct for kpi in report.total.kpis}
    rows: list[tuple[str, Any]] = [
        (t("reports.method.scope"), report.scope_label),
        (t("reports.method.period"), period_title(report.period_label, t)),
        (t("reports.method.generated_at"), local_time(report.generated_at, report.timezone)),
        (t("reports.title.zone"), _zone_text(report, t)),
        (
            t("reports.method.method"),
            t(f"reports.method_text.{report.method}", threshold=report.threshold),
        ),
        (t("reports.method.threshold"), report.threshold),
        (t("reports.method.normalisation"), t("reports.method.normalisation_text")),
        (t("reports.method.entered"), t("reports.method.entered_text")),
        (t("reports.method.headcounts"), t("reports.method.headcounts_text")),
    ]
    for code in KPI_CODES:
        formula = t(f"reports.kpi_formula.{code}")
        if code in targets:
            formula = t("reports.method.formula_with_target", formula=formula, target=targets[code])
        rows.append((t(f"reports.kpi.{code}"), formula))
    return rows


def _method(book: _Book) -> None:
    table = book.table("method", ("parameter", "definition"))
    wrapped = Style(wrap=True, vertical="top")
    for name, value in _method_rows(book.report, book.t):
        style = DATETIME if isinstance(value, datetime) else wrapped
        height = wrapped_height((value, MAX_WIDTH)) if isinstance(value, str) else None
        table.add((name, value), [TOP, style], height=height)
    table.close(filter=False)


def analytical_report(report: StatsReport, t: Texts) -> bytes:
    """The аналитическая справка: the KPI matrix, then one sheet per part of the stats, and
    the method used."""
    book = _Book(report, t)
    kpi_matrix_sheet(book.sheet("indicators", value_column=3), report, t)
    for build in (
        _kpi_list,
        _satisfaction,
        _responses,
        _pairs,
        _by_form,
        _meetings,
        _impact,
        _practices,
        _method,
    ):
        build(book)
    return book.workbook.to_bytes()
