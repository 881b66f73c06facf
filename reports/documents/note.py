"""The analytical note (аналитическая справка) of a scope over a half-year or a year: the
figures of `StatsReport` told as a curator writes them, with the KPI chart."""

from __future__ import annotations

from typing import Any

from i18n import Texts
from i18n.wording import number
from reports.data import KpiValue, SatisfactionFigures, StatsReport
from reports.documents.cases import case_rows
from reports.documents.common import period_phrase, signer_context
from reports.documents.data import Note
from reports.documents.engine import Picture, render
from reports.documents.wording import long_date
from reports.kpi_text import HEADCOUNT_KPIS, kpi_value, pct
from reports.labels import label

__all__ = ["CHART_WIDTH_MM", "MEETING_KINDS", "note_context", "note_docx"]

CHART_WIDTH_MM = 160.0
# Meeting types in the order a pair meets (storage.meetings.KINDS), unknown ones after.
MEETING_KINDS = ("intro", "trial", "planning", "regular", "final", "group_final")


def _num(value: float | None, *, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "—"
    shown = number(value, "ru", digits=digits)
    return f"+{shown}" if signed and value > 0 else shown.replace("-", "−")


def _kpi_name(kpi: KpiValue, t: Texts) -> str:
    """The KPI's name inside a sentence: without the table's trailing «, %», and in lower
    case unless it starts with an abbreviation («ОО, внедряющие…»)."""
    name = t(f"reports.kpi.{kpi.code}").removesuffix(", %")
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _status(kpi: KpiValue) -> str:
    if kpi.value_pct is None:
        return "unknown"
    return "met" if kpi.met else "missed"


def _status_key(kpi: KpiValue) -> str:
    """Without a value, a KPI whose denominator is a headcount says that one is missing."""
    if kpi.value_pct is None and kpi.code in HEADCOUNT_KPIS:
        return "no_headcount"
    return _status(kpi)


def _kpis(report: StatsReport, t: Texts) -> dict[str, Any]:
    kpis = report.total.kpis
    rows = [
        {
            "name": t(f"reports.kpi.{kpi.code}"),
            "value": "—" if kpi.value_pct is None else kpi_value(kpi, t),
            "target": pct(kpi.target_pct, t),
            "status": t(f"documents.kpi_status.{_status_key(kpi)}"),
        }
        for kpi in kpis
    ]
    missed = [
        t(
            "documents.note.kpi_missed",
            name=_kpi_name(kpi, t),
            value=pct(kpi.value_pct or 0.0, t),
            target=pct(kpi.target_pct, t),
        )
        for kpi in kpis
        if _status(kpi) == "missed"
    ]
    by_status = {
        status: [_kpi_name(kpi, t) for kpi in kpis if _status(kpi) == status]
        for status in ("met", "unknown")
    }
    counts = {
        status: sum(1 for kpi in kpis if _status(kpi) == status)
        for status in ("met", "missed", "unknown")
    }
    conclusion = t("documents.note.conclusion", total=len(kpis), **counts)
    if missed:
        names = [_kpi_name(kpi, t) for kpi in kpis if _status(kpi) == "missed"]
        conclusion += " " + t("documents.note.attention", names="; ".join(names))
    elif counts["met"]:
        conclusion += " " + t("documents.note.all_met")
    return {
        "kpis": rows,
        "kpi_met": "; ".join(by_status["met"]),
        "kpi_missed": "; ".join(missed),
        "kpi_unknown": "; ".join(by_status["unknown"]),
        "conclusion": conclusion,
        "counts": {kpi.code: kpi.numerator for kpi in kpis},
    }


def _satisfaction(figures: SatisfactionFigures, t: Texts) -> dict[str, str]:
    share = figures.satisfaction_pct if figures.method == "share" else None
    return {
        "role": t(f"reports.role.{figures.role}"),
        "answered": t("documents.note.answered", n=figures.respondents, asked=figures.asked),
        "share": "—" if share is None else pct(share, t),
        "mean": _num(figures.mean_normalised),
        "raw": _num(figures.mean_raw),
    }


def _meetings(report: StatsReport, t: Texts) -> dict[str, Any]:
    held = report.total.meetings_held_by_type
    order = [k for k in MEETING_KINDS if k in held] + sorted(set(held) - set(MEETING_KINDS))
    return {
        "total": sum(held.values()),
        "by_type": [
            {"kind": label(t, f"meetings.kind.{kind}", kind), "held": held[kind]}
            for kind in order
            if held[kind]
        ],
    }


def _organisations(report: StatsReport, t: Texts) -> list[dict[str, Any]]:
    rows = []
    for org in report.by_organisation:
        known = [kpi for kpi in org.kpis if kpi.value_pct is not None]
        rows.append(
            {
                "name": org.name,
                "active": org.pairs_active,
                "meetings": sum(org.meetings_held_by_type.values()),
                "met": t(
                    "documents.note.met_of", met=sum(1 for k in known if k.met), known=len(known)
                ),
            }
        )
    return rows


def note_context(note: Note, t: Texts, chart: bytes | None = None) -> dict[str, Any]:
    report, total = note.report, note.report.total
    return {
        "title": note.title,
        "scope": report.scope_label,
        "organisations": note.organisations,
        "period": period_phrase(report.period_label, t),
        "date": long_date(note.day),
        "people": {"mentees": note.participants.mentees, "mentors": note.participants.mentors},
        "pairs": {
            "formed": total.pairs_formed,
            "active": total.pairs_active,
            "dissolved": total.pairs_dissolved,
        },
        "by_form": [
            {
                "form": label(t, f"pairs.form.{row.form}", row.form),
                "formed": row.pairs_formed,
                "active": row.pairs_active,
                "dissolved": row.pairs_dissolved,
                "mentees": row.mentees_active,
                "meetings": row.meetings_held,
            }
            for row in report.by_form
        ],
        "meetings": _meetings(report, t),
        "threshold": _num(report.threshold, digits=0),
        "satisfaction": [
            _satisfaction(total.mentee_satisfaction, t),
            _satisfaction(total.mentor_satisfaction, t),
        ],
        **_kpis(report, t),
        "kpi_chart": Picture(chart, CHART_WIDTH_MM) if chart else "",
        "impact": [
            {
                "name": label(t, f"reports.impact_item.{item.item_code}", item.item_code),
                "before": _num(item.mean_before),
                "after": _num(item.mean_after),
                "change": _num(item.change, signed=True),
                "n": item.n,
            }
            for item in report.impact
        ],
        "by_organisation": _organisations(report, t),
        "cases": case_rows(note.cases, t),
        "signer": signer_context(note.signatory, t, default_key="documents.head_position"),
    }


def note_docx(note: Note, t: Texts, template: bytes) -> bytes:
    from reports.charts import kpi_chart  # matplotlib: only the note draws

    return render(template, note_context(note, t, kpi_chart(note.report.total.kpis, t)))
