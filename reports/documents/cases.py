"""The selected cases (кейсы наставничества): each pair's goal, what was done and the
result, as its mentor wrote them, for publication (seed Калмыкия, steps 32–33); the same
rows are a section of the analytical note and of the best-practice report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from i18n import Texts
from i18n.wording import school_year_label
from reports.documents.common import signer_context
from reports.documents.data import CasesReport
from reports.documents.engine import render
from reports.documents.wording import long_date
from reports.labels import label
from storage.cases import CaseRow

__all__ = ["case_rows", "cases_context", "cases_docx"]


def case_rows(rows: Sequence[CaseRow], t: Texts) -> list[dict[str, Any]]:
    """The cases as a template reads them (`n`, `organisation`, `mentor`, `form`, `mentees`,
    `goal`, `work`, `result`, `photos`, `year`)."""
    return [
        {
            "n": n,
            "organisation": row.organisation,
            "mentor": row.mentor or t("documents.erased"),
            "form": label(t, f"pairs.form.{row.form}", row.form),
            "mentees": row.mentees,
            "goal": row.goal,
            "work": row.work,
            "result": row.result,
            "photos": row.photos,
            "year": school_year_label(row.year),
        }
        for n, row in enumerate(rows, start=1)
    ]


def cases_context(report: CasesReport, t: Texts) -> dict[str, Any]:
    return {
        "title": report.title,
        "school_year": school_year_label(report.school_year),
        "date": long_date(report.day),
        "cases": case_rows(report.rows, t),
        "signer": signer_context(report.signatory, t, default_key="documents.head_position"),
    }


def cases_docx(report: CasesReport, t: Texts, template: bytes) -> bytes:
    return render(template, cases_context(report, t))
