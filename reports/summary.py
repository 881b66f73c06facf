"""The /stats summary as text: KPIs against targets, satisfaction by both methods, pairs by
form, in the reader's language and the catalogs' markup. One text for every door: the chat
sends it under the chart, the CLI prints it (`mentorbot stats`), the bench times it."""

from __future__ import annotations

from datetime import UTC, tzinfo

from i18n import Texts
from i18n.markup import safe
from i18n.wording import period_title
from reports.data import SatisfactionFigures, StatsReport
from reports.kpi_text import kpi_mark, kpi_value, pct
from reports.labels import label

__all__ = ["summary_text"]


def _satisfaction_line(figures: SatisfactionFigures, t: Texts) -> str:
    value = (
        t("stats.no_value")
        if figures.satisfaction_pct is None
        else pct(figures.satisfaction_pct, t)
    )
    return t(
        "stats.satisfaction",
        role=t(f"reports.role.{figures.role}"),
        value=value,
        respondents=figures.respondents,
        asked=figures.asked,
    )


def summary_text(
    report: StatsReport, t: Texts, zone: tzinfo = UTC, *, enters_headcounts: bool = True
) -> str:
    total = report.total
    period = period_title(report.period_label, t)
    lines = [t("stats.title", scope=safe(report.scope_label), period=period)]
    if report.counted_at is not None:
        lines.append(t("stats.counted_at", time=report.counted_at.astimezone(zone)))
    lines.append("")
    for kpi in total.kpis:
        lines.append(
            t(
                "stats.kpi_line",
                mark=kpi_mark(kpi, t),
                label=t(f"reports.kpi.{kpi.code}"),
                value=kpi_value(kpi, t, enters_headcounts=enters_headcounts),
                target=pct(kpi.target_pct, t),
            )
        )
    lines.append("")
    lines.append(_satisfaction_line(total.mentee_satisfaction, t))
    lines.append(_satisfaction_line(total.mentor_satisfaction, t))
    method = (
        t("stats.method_share", threshold=report.threshold)
        if report.method == "share"
        else t("stats.method_mean")
    )
    lines.append(method)
    lines.append(
        t(
            "stats.pairs",
            formed=total.pairs_formed,
            active=total.pairs_active,
            dissolved=total.pairs_dissolved,
        )
    )
    if report.by_form:
        lines.append(t("stats.by_form_header"))
    for row in report.by_form:
        lines.append(
            t(
                "stats.by_form",
                form=label(t, f"pairs.form.{row.form}", row.form),
                active=row.pairs_active,
                formed=row.pairs_formed,
                dissolved=row.pairs_dissolved,
                mentees=row.mentees_active,
                meetings=row.meetings_held,
            )
        )
    return "\n".join(lines)
