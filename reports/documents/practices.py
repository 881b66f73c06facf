"""The quarter's best practices (лучшие практики наставничества) in the form of the
municipal order (seed 003, annex 2): organisation, practice, form, link."""

from __future__ import annotations

from typing import Any

from i18n import Texts
from reports.documents.cases import case_rows
from reports.documents.common import period_phrase, signer_context
from reports.documents.data import PracticesReport
from reports.documents.engine import Link, render
from reports.documents.wording import long_date
from reports.labels import label

__all__ = ["practices_context", "practices_docx"]


def practices_context(report: PracticesReport, t: Texts) -> dict[str, Any]:
    return {
        "title": report.title,
        "quarter": period_phrase(report.quarter, t),
        "deadline": long_date(report.deadline),
        "date": long_date(report.day),
        "rows": [
            {
                "n": n,
                "organisation": row.organisation,
                "title": row.title,
                "form": label(t, f"pairs.form.{row.form}", row.form),
                "link": row.link,
                "hyperlink": Link(row.link),  # clickable: `{{r row.hyperlink }}` in a template
            }
            for n, row in enumerate(report.rows, start=1)
        ],
        "cases": case_rows(report.cases, t),
        "signer": signer_context(report.signatory, t, default_key="documents.responsible"),
    }


def practices_docx(report: PracticesReport, t: Texts, template: bytes) -> bytes:
    return render(template, practices_context(report, t))
