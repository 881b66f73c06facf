"""One way to show a KPI's value and mark, used by the chat /stats, the back office dashboard
and the XLSX report, so that all three round alike and say «нет данных» the same way."""

from __future__ import annotations

from collections.abc import Callable

from i18n.wording import number
from reports.data import KpiValue

__all__ = ["HEADCOUNT_KPIS", "kpi_mark", "kpi_missing", "kpi_value", "pct"]

Texts = Callable[..., str]

# The KPIs whose denominators are the headcounts a curator enters (/headcount).
HEADCOUNT_KPIS = frozenset({"mentees_10_19", "mentors_15_19", "young_specialists"})


def pct(value: float, t: Texts) -> str:
    """A percentage with one decimal, in the reader's way of writing numbers (12,5 %)."""
    shown = number(value, t("reports.kpi_text.number_locale"))
    return t("reports.kpi_text.pct", value=shown)


def kpi_missing(kpi: KpiValue, t: Texts, *, enters_headcounts: bool = True) -> str | None:
    """What to say instead of a value when there is none; None when there is a value.
    `enters_headcounts`: the reader may enter them (/headcount), else he is told the
    organisations have not yet (a coordinator)."""
    if kpi.value_pct is not None:
        return None
    if kpi.code in HEADCOUNT_KPIS:
        key = "no_headcount" if enters_headcounts else "no_headcount_yet"
        return t(f"reports.kpi_text.{key}")
    return t("reports.kpi_text.no_value")


def kpi_value(kpi: KpiValue, t: Texts, *, enters_headcounts: bool = True) -> str:
    missing = kpi_missing(kpi, t, enters_headcounts=enters_headcounts)
    if missing is not None or kpi.value_pct is None:
        return missing or ""
    return t(
        "reports.kpi_text.value",
        value=pct(kpi.value_pct, t),
        numerator=kpi.numerator,
        denominator=kpi.denominator,
    )


def kpi_mark(kpi: KpiValue, t: Texts) -> str:
    """✓ met, ✗ not met; a KPI without data is neither (its text says why)."""
    if kpi.value_pct is None:
        return t("reports.kpi_text.mark_no_data")
    return t("reports.kpi_text.mark_met") if kpi.met else t("reports.kpi_text.mark_not_met")
