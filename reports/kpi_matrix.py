"""The workbook's first sheet: organisations × the seven KPIs, as a region reads it.

Above the table: the target row and the total over the scope, out of the filter's reach, so
that sorting the organisations never moves them. A value below its target is marked when the
file is written, by the same rule as ✓/✗ in the chat (`KpiValue.met`), so the sheet, the chat
and the back office never disagree at a rounding edge; «нет данных» is said in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reports.data import KPI_CODES, KpiValue, OrganisationStats, StatsReport
from reports.layout import (
    BELOW_TARGET,
    NO_DATA,
    PCT,
    SUMMARY,
    SUMMARY_PCT,
    Table,
)
from reports.workbook import Sheet, Style

__all__ = ["kpi_matrix_sheet"]

Texts = Callable[..., str]
LEGEND = Style(italic=True, colour="595959")
KPI_WIDTH = 15.0


def _cells(kpis: Sequence[KpiValue], t: Texts) -> tuple[list[object], list[Style | None]]:
    by_code = {kpi.code: kpi for kpi in kpis}
    values: list[object] = []
    styles: list[Style | None] = []
    for code in KPI_CODES:
        kpi = by_code.get(code)
        if kpi is None or kpi.value_pct is None:
            values.append(t("reports.kpi_text.no_value"))
            styles.append(NO_DATA)
        else:
            values.append(kpi.value_pct / 100.0)
            styles.append(PCT if kpi.met else BELOW_TARGET)
    return values, styles


def _met(kpis: Sequence[KpiValue]) -> int:
    return sum(1 for kpi in kpis if kpi.met)


def kpi_matrix_sheet(sheet: Sheet, report: StatsReport, t: Texts) -> None:
    """Fill the sheet (its title block written) with the matrix."""
    organisations: Sequence[OrganisationStats] = report.by_organisation or (report.total,)
    places = len({org.municipality for org in organisations}) > 1
    lead = 3 if places else 2  # № п/п, organisation[, municipality]
    sheet.append(["", t("reports.title.legend")], LEGEND)
    targets = {kpi.code: kpi.target_pct for kpi in report.total.kpis}

    def lead_cells(text: str) -> list[object]:
        return ["", text, ""] if places else ["", text]

    sheet.append(
        [
            *lead_cells(t("reports.xlsx.target_row")),
            *(targets[code] / 100.0 if code in targets else None for code in KPI_CODES),
        ],
        [SUMMARY] * lead + [SUMMARY_PCT] * len(KPI_CODES),
    )
    if report.by_organisation:
        values, styles = _cells(report.total.kpis, t)
        sheet.append(
            [*lead_cells(t("reports.xlsx.total")), *values, _met(report.total.kpis)],
            [SUMMARY] * lead + [SUMMARY_PCT if s is PCT else s for s in styles] + [SUMMARY],
        )
    header = [t("reports.column.number"), t("reports.column.organisation")]
    if places:
        header.append(t("reports.column.municipality"))
    header += [t(f"reports.kpi.{code}") for code in KPI_CODES]
    header.append(t("reports.column.goals_met", total=len(KPI_CODES)))
    table = Table(sheet, header, frozen=2, height=75)
    for number, org in enumerate(organisations, start=1):
        name = org.name if report.by_organisation else report.scope_label
        values, styles = _cells(org.kpis, t)
        lead_values: list[object] = [number, name, org.municipality] if places else [number, name]
        table.add(
            [*lead_values, *values, _met(org.kpis)],
            [None] * lead + styles + [None],
        )
    table.close()
    for column in range(lead + 1, lead + len(KPI_CODES) + 1):  # a KPI's name wraps in 3–4 lines
        sheet.widths[column] = max(sheet.widths[column], KPI_WIDTH)
