"""The analytical note (аналитическая справка) as an XLSX workbook: a pure function of a report.

Percentages are written as fractions with a `%` number format, so a curator can sum, sort and
chart them in Excel; every label comes from the locale file through `t`. Every row goes
through `reports.sheets.inert_row`: an order number or a practice title typed by a curator
is text, never a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from i18n.wording import period_title
from reports.data import KPI_CODES, OrganisationStats, SatisfactionFigures, StatsReport
from reports.kpi_text import kpi_missing
from reports.labels import label
from reports.sheets import SHEET_NAME_LIMIT, inert_row

__all__ = ["analytical_report"]

Texts = Callable[..., str]

PCT_FORMAT = "0.0%"
SCORE_FORMAT = "0.0"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
MAX_COLUMN_WIDTH = 60


def _fraction(pct: float | None) -> float | None:
    return None if pct is None else pct / 100.0


def _sheet(workbook: Workbook, t: Texts, name_key: str, columns: Sequence[str]) -> Worksheet:
    sheet = workbook.create_sheet(t(f"reports.sheet.{name_key}")[:SHEET_NAME_LIMIT])
    sheet.append(inert_row(t(f"reports.column.{column}") for column in columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet: Worksheet, rows: Iterable[Sequence[Any]], formats: dict[int, str]) -> None:
    """Append rows; `formats` maps a 1-based column to the number format of its cells.

    The row number is counted here: `Worksheet.max_row` scans every cell, which made a
    region's 70,000 pairs quadratic."""
    number = sheet.max_row
    for row in rows:
        sheet.append(inert_row(row))
        number += 1
        for column, number_format in formats.items():
            sheet.cell(row=number, column=column).number_format = number_format


def _fit_columns(sheet: Worksheet) -> None:
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        longest = max((len(str(value)) for value in column if value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_COLUMN_WIDTH, max(10, longest + 2)
        )


def _kpi_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    columns = ("organisation", "indicator", "value", "numerator", "denominator", "target", "met")
    sheet = _sheet(workbook, t, "kpi", columns)
    for name, org in _organisations(report, t):
        rows = (
            (
                name,
                t(f"reports.kpi.{kpi.code}"),
                _fraction(kpi.value_pct),
                kpi.numerator,
                kpi.denominator,
                _fraction(kpi.target_pct),
                kpi_missing(kpi, t)
                or (t("reports.xlsx.met_yes") if kpi.met else t("reports.xlsx.met_no")),
            )
            for kpi in org.kpis
        )
        _append(sheet, rows, {3: PCT_FORMAT, 6: PCT_FORMAT})


def _organisations(report: StatsReport, t: Texts) -> list[tuple[str, OrganisationStats]]:
    """The total over the scope first, then each organisation."""
    return [(t("reports.xlsx.total"), report.total)] + [
        (org.name, org) for org in report.by_organisation
    ]


def _distribution_text(figures: SatisfactionFigures, t: Texts) -> str:
    return "; ".join(
        t("reports.xlsx.distribution_bin", low=low, high=high, count=count)
        for low, high, count in figures.distribution
    )


def _satisfaction_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
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
        "distribution",
    )
    sheet = _sheet(workbook, t, "satisfaction", columns)
    formats = {4: SCORE_FORMAT, 5: PCT_FORMAT, 6: SCORE_FORMAT, 7: "0.00", 10: PCT_FORMAT}
    for name, org in _organisations(report, t):
        rows = (
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
                _distribution_text(figures, t),
            )
            for figures in (org.mentee_satisfaction, org.mentor_satisfaction)
        )
        _append(sheet, rows, formats)


def _responses_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    columns = (
        "organisation",
        "survey",
        "deadline",
        "asked",
        "answered",
        "started",
        "response_rate",
    )
    sheet = _sheet(workbook, t, "responses", columns)
    rows = (
        (
            rate.organisation,
            rate.survey_title,
            rate.deadline,
            rate.asked,
            rate.answered,
            rate.started,
            _fraction(rate.answered_pct),
        )
        for rate in report.response_rates
    )
    _append(sheet, rows, {3: DATE_FORMAT, 7: PCT_FORMAT})


def _pairs_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    columns = ("organisation", "mentor", "mentees", "form", "order_number", "order_date", "status")
    sheet = _sheet(workbook, t, "pairs", columns)
    erased = t("reports.xlsx.erased")  # /forget leaves a pair with a nameless person
    rows = (
        (
            pair.organisation,
            pair.mentor or erased,
            ", ".join(name or erased for name in pair.mentees),
            label(t, f"pairs.form.{pair.form}", pair.form),
            pair.order_number,
            pair.order_date,
            label(t, f"reports.pair_status.{pair.status}", pair.status),
        )
        for pair in report.pairs
    )
    _append(sheet, rows, {6: DATE_FORMAT})


def _by_form_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    columns = ("form", "pairs_formed", "pairs_active", "pairs_dissolved", "mentees_active")
    sheet = _sheet(workbook, t, "by_form", (*columns, "meetings_held"))
    for row in report.by_form:
        sheet.append(
            inert_row(
                (
                    label(t, f"pairs.form.{row.form}", row.form),
                    row.pairs_formed,
                    row.pairs_active,
                    row.pairs_dissolved,
                    row.mentees_active,
                    row.meetings_held,
                )
            )
        )


def _meetings_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    # Meeting types are an open list: columns are the union of the types seen, in a stable order.
    types = sorted(
        {kind for _, org in _organisations(report, t) for kind in org.meetings_held_by_type}
    )
    sheet = workbook.create_sheet(t("reports.sheet.meetings")[:SHEET_NAME_LIMIT])
    sheet.append(
        inert_row(
            (
                t("reports.column.organisation"),
                *(label(t, f"reports.meeting_type.{kind}", kind) for kind in types),
                t("reports.column.total"),
            )
        )
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for name, org in _organisations(report, t):
        counts = [org.meetings_held_by_type.get(kind, 0) for kind in types]
        sheet.append(inert_row((name, *counts, sum(counts))))


def _impact_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    sheet = _sheet(workbook, t, "impact", ("item", "before", "after", "change", "n"))
    rows = (
        (
            label(t, f"reports.impact_item.{i.item_code}", i.item_code),
            i.mean_before,
            i.mean_after,
            i.change,
            i.n,
        )
        for i in report.impact
    )
    _append(sheet, rows, {2: "0.00", 3: "0.00", 4: "+0.00;-0.00;0.00"})


def _practices_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    sheet = _sheet(workbook, t, "practices", ("organisation", "quarter", "title", "form", "link"))
    for number, practice in enumerate(report.practices, start=2):
        sheet.append(
            inert_row(
                (
                    practice.organisation,
                    practice.quarter,
                    practice.title,
                    practice.form,
                    practice.link,
                )
            )
        )
        if practice.link.startswith(("http://", "https://")):
            sheet.cell(row=number, column=5).hyperlink = practice.link


def _method_rows(report: StatsReport, t: Texts) -> list[tuple[str, Any]]:
    targets = {kpi.code: kpi.target_pct for kpi in report.total.kpis}
    rows: list[tuple[str, Any]] = [
        (t("reports.method.scope"), report.scope_label),
        (t("reports.method.period"), period_title(report.period_label, t)),
        # Excel has no time zones: the wall time is written as is (the stats layer passes UTC).
        (t("reports.method.generated_at"), report.generated_at.replace(tzinfo=None)),
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


def _method_sheet(workbook: Workbook, report: StatsReport, t: Texts) -> None:
    sheet = _sheet(workbook, t, "method", ("parameter", "definition"))
    for row in _method_rows(report, t):
        sheet.append(inert_row(row))
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
        if isinstance(row[1], datetime):
            sheet.cell(row=sheet.max_row, column=2).number_format = DATETIME_FORMAT


SHEETS = (
    _kpi_sheet,
    _satisfaction_sheet,
    _responses_sheet,
    _pairs_sheet,
    _by_form_sheet,
    _meetings_sheet,
    _impact_sheet,
    _practices_sheet,
    _method_sheet,
)


def analytical_report(report: StatsReport, t: Texts) -> bytes:
    """The аналитическая справка: one sheet per part of the stats, plus the method used."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for build in SHEETS:
        build(workbook, report, t)
    for sheet in workbook.worksheets:
        _fit_columns(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
