"""The order on pairs (приказ о закреплении наставнических пар): the pairs and groups one
order fixed, each mentee a row of the annex with his mentor, their positions, the form and
the programme's dates.

The programme runs from the order's date for the term of the mentee's personalised
programme (3–12 months); before a programme is written, to the end of the school year's
pair work (31 May, when the final meetings are held), and at least the shortest term of
three months.
"""

from __future__ import annotations

import asyncio
import calendar
from datetime import date, timedelta

from i18n import Translator
from mentoring.documents.files import Document, file_name, texts
from mentoring.documents.people import describe
from mentoring.documents.templates import template_for
from mentoring.stats.periods import school_year_of
from reports.documents.data import Order, OrderRow, School, Signatory
from reports.documents.wording import order_number, short_date
from storage import documents as store
from storage import organisations as org_store
from storage.db import Database
from storage.documents import OrderPair, OrderRef, PlanFacts

__all__ = [
    "SHORTEST_MONTHS",
    "add_months",
    "order_choices",
    "order_data",
    "order_document",
    "programme_dates",
]

SHORTEST_MONTHS = 3
PAIR_WORK_ENDS = (5, 31)  # 31 May: the final meetings are in April–May (roadmap)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def programme_dates(start: date, plan: PlanFacts | None) -> tuple[date, date]:
    """From the order's date: the plan's term when there is a plan, else to 31 May of the
    school year, but never shorter than three months."""
    if plan is not None and plan.duration_months > 0:
        return start, add_months(start, plan.duration_months) - timedelta(days=1)
    end = date(school_year_of(start) + 1, *PAIR_WORK_ENDS)
    shortest = add_months(start, SHORTEST_MONTHS) - timedelta(days=1)
    return start, max(end, shortest)


async def order_choices(db: Database, organisation_id: int) -> list[OrderRef]:
    """The organisation's orders on pairs, newest first."""
    async with db.connect() as conn:
        return await store.orders_of(conn, organisation_id)


def _chosen(refs: list[OrderRef], number: str | None, day: date | None) -> OrderRef | None:
    """The order asked for (its number with or without «№», and its date when given), or
    the newest."""
    if number is None and day is None:
        return refs[0] if refs else None
    wanted = order_number(number).casefold() if number is not None else None
    for ref in refs:
        if (wanted is None or order_number(ref.number).casefold() == wanted) and (
            day is None or ref.day == day
        ):
            return ref
    return None


def _rows(
    pairs: list[OrderPair],
    names: dict[int, str | None],
    positions: dict[int, str],
    plans: dict[tuple[int, int], PlanFacts],
    erased: str,
) -> tuple[OrderRow, ...]:
    rows = []
    for pair in pairs:
        for mentee_id in pair.mentee_ids:
            start, end = programme_dates(pair.order_date, plans.get((pair.id, mentee_id)))
            rows.append(
                OrderRow(
                    mentor=names.get(pair.mentor_id) or erased,
                    mentor_position=positions.get(pair.mentor_id, ""),
                    mentee=names.get(mentee_id) or erased,
                    mentee_position=positions.get(mentee_id, ""),
                    form=pair.form,
                    starts_on=start,
                    ends_on=end,
                )
            )
    return tuple(rows)


async def order_data(
    db: Database,
    translator: Translator,
    organisation_id: int,
    *,
    number: str | None = None,
    day: date | None = None,
) -> Order | None:
    """The order's data, or None when the organisation has no such order (or none yet)."""
    t = texts(translator)
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
        ref = _chosen(await store.orders_of(conn, organisation_id), number, day)
        if organisation is None or ref is None:
            return None
        pairs = await store.order_pairs(conn, organisation_id, ref.number, ref.day)
        roles = {m: "mentee" for p in pairs for m in p.mentee_ids} | {
            p.mentor_id: "mentor" for p in pairs
        }
        names = await store.names_of(conn, list(roles))
        positions = await describe(conn, roles, t)
        plans = await store.plans_of(conn, [p.id for p in pairs])
    school = School(
        organisation.name,
        organisation.municipality,
        organisation.region,
        Signatory(organisation.head_name, organisation.head_position),
    )
    rows = _rows(pairs, names, positions, plans, t("documents.erased"))
    return Order(school, ref.number, ref.day, school_year_of(ref.day), rows, len(pairs))


async def order_document(
    db: Database,
    translator: Translator,
    organisation_id: int,
    *,
    number: str | None = None,
    day: date | None = None,
) -> Document | None:
    """The order as .docx, made with the organisation's template; None without an order."""
    from reports.documents.order import order_docx  # docxtpl: loaded when a document is made

    order = await order_data(db, translator, organisation_id, number=number, day=day)
    if order is None:
        return None
    template = await template_for(db, organisation_id, "order")
    t = texts(translator)
    content = await asyncio.to_thread(order_docx, order, t, template)
    name = t("documents.files.order", number=order_number(order.number), date=short_date(order.day))
    return Document(file_name(name, "docx"), content, title=name)
