"""The order on pairs (приказ о закреплении наставнических пар) with its annex table."""

from __future__ import annotations

from typing import Any

from i18n import Texts
from i18n.wording import school_year_label
from reports.documents.common import school_context, signer_context
from reports.documents.data import Order
from reports.documents.engine import render
from reports.documents.wording import long_date, order_number, short_date, surname_initials
from reports.labels import label

__all__ = ["order_context", "order_docx"]


def order_context(order: Order, t: Texts) -> dict[str, Any]:
    rows = [
        {
            "n": n,
            "mentor": row.mentor,
            "mentor_position": row.mentor_position,
            "mentee": row.mentee,
            "mentee_position": row.mentee_position,
            "form": label(t, f"pairs.form.{row.form}", row.form),
            "dates": t(
                "documents.order.dates",
                start=short_date(row.starts_on),
                end=short_date(row.ends_on),
            ),
        }
        for n, row in enumerate(order.rows, start=1)
    ]
    mentors = list(dict.fromkeys(row.mentor for row in order.rows))
    return {
        "school": school_context(order.school, t),
        "head": signer_context(order.school.head, t, default_key="documents.head_position"),
        "order": {
            "number": order_number(order.number),
            "date": long_date(order.day),
            "date_short": short_date(order.day),
            "school_year": school_year_label(order.school_year),
            "pairs": order.pairs,
            "mentees": len(order.rows),
            "acquainted": [surname_initials(name) for name in mentors],
        },
        "rows": rows,
    }


def order_docx(order: Order, t: Texts, template: bytes) -> bytes:
    return render(template, order_context(order, t))
