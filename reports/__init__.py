"""Rendering of stats: PNG charts and the XLSX analytical report, pure functions of data."""

from reports.charts import (
    distribution_chart,
    impact_chart,
    kpi_chart,
    satisfaction_by_organisation_chart,
)
from reports.data import (
    KPI_CODES,
    ImpactItem,
    KpiValue,
    OrganisationStats,
    PairRow,
    PracticeRow,
    ResponseRate,
    SatisfactionFigures,
    StatsReport,
)
from reports.xlsx import analytical_report

__all__ = [
    "KPI_CODES",
    "ImpactItem",
    "KpiValue",
    "OrganisationStats",
    "PairRow",
    "PracticeRow",
    "ResponseRate",
    "SatisfactionFigures",
    "StatsReport",
    "analytical_report",
    "distribution_chart",
    "impact_chart",
    "kpi_chart",
    "satisfaction_by_organisation_chart",
]
