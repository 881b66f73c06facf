"""What the school's documents are made of: orders and their pairs, a year's pairs with
their meetings and plans, the people's roster lines and partner organisations, and the
Word templates organisations upload (document_templates, 0022)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    document_templates,
    meetings,
    memberships,
    organisations,
    pair_mentees,
    pairs,
    people,
    people_imports,
    plans,
)

__all__ = [
    "HeldMeetings",
    "OrderPair",
    "OrderRef",
    "PartnerOf",
    "PlanFacts",
    "StoredTemplate",
    "delete_template",
    "group_finals_held",
    "held_meetings",
    "names_of",
    "order_pairs",
    "orders_of",
    "participants",
    "partners_of",
    "plans_of",
    "roster_lines",
    "save_template",
    "template_content",
    "templates_of",
    "year_pairs",
]


@dataclass(frozen=True, slots=True)
class OrderRef:
    """One order (приказ) of an organisation: its number, date and how many pairs it fixed."""

    number: str
    day: date
    pairs: int


@dataclass(frozen=True, slots=True)
class OrderPair:
    id: int
    mentor_id: int
    mentee_ids: tuple[int, ...]
    form: str
    status: str
    order_number: str
    order_date: date
    dissolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class PlanFacts:
    status: str
    duration_months: int


@dataclass(frozen=True, slots=True)
class HeldMeetings:
    count: int
    final: bool  # the pair's final meeting (итоговая встреча) was among them


@dataclass(frozen=True, slots=True)
class PartnerOf:
    """A partner organisation (kind "partner") a mentor belongs to."""

    organisation_id: int
    name: str
    head_name: str
    head_position: str


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    kind: str
    file_name: str
    size: int
    uploaded_by: int | None
    uploaded_at: datetime


_CHUNK = 500


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    listed = list(dict.fromkeys(ids))
    return [listed[i : i + _CHUNK] for i in range(0, len(listed), _CHUNK)]


# --- orders and pairs --------------------------------------------------------------------
async def orders_of(conn: AsyncConnection, organisation_id: int) -> list[OrderRef]:
    """The organisation's orders on pairs, newest first."""
    query = (
        select(pairs.c.order_number, pairs.c.order_date, func.count(), func.max(pairs.c.id))
        .where(pairs.c.organisation_id == organisation_id, pairs.c.order_number != "")
        .group_by(pairs.c.order_number, pairs.c.order_date)
        .order_by(pairs.c.order_date.desc(), func.max(pairs.c.id).desc())
    )
    return [OrderRef(n, d, int(c)) for n, d, c, _ in (await conn.execute(query)).all()]


async def _with_mentees(conn: AsyncConnection, rows: list[tuple]) -> list[OrderPair]:  # type: ignore[type-arg]
    members: dict[int, list[int]] = {int(row[0]): [] for row in rows}
    for chunk in _chunks(list(members)):
        found = await conn.execute(
            select(pair_mentees.c.pair_id, pair_mentees.c.mentee_id)
            .where(pair_mentees.c.pair_id.in_(chunk))
            .order_by(pair_mentees.c.pair_id, pair_mentees.c.mentee_id)
        )
        for pair_id, mentee_id in found.all():
            members[int(pair_id)].append(int(mentee_id))
    return [
        OrderPair(int(i), int(mentor), tuple(members[int(i)]), form, status, number, day, gone)
        for i, mentor, form, status, number, day, gone in rows
    ]


_PAIR_COLUMNS = (
    pairs.c.id,
    pairs.c.mentor_id,
    pairs.c.form,
    pairs.c.status,
    pairs.c.order_number,
    pairs.c.order_date,
    pairs.c.dissolved_at,
)


async def order_pairs(
    conn: AsyncConnection, organisation_id: int, number: str, day: date
) -> list[OrderPair]:
    """The pairs and groups one order fixed, in the order they were approved, whatever
    became of them since (an order is a record of what was decided that day)."""
    query = (
        select(*_PAIR_COLUMNS)
        .where(
            pairs.c.organisation_id == organisation_id,
            pairs.c.order_number == number,
            pairs.c.order_date == day,
        )
        .order_by(pairs.c.id)
    )
    return await _with_mentees(conn, [tuple(r) for r in (await conn.execute(query)).all()])


async def year_pairs(
    conn: AsyncConnection, organisation_id: int, end: date, start_at: datetime
) -> list[OrderPair]:
    """Pairs that worked within a period: fixed by an order dated by its last day `end`
    (perhaps in an earlier year: a pair carried over) and not dissolved before `start_at`."""
    query = (
        select(*_PAIR_COLUMNS)
        .where(
            pairs.c.organisation_id == organisation_id,
            pairs.c.order_number != "",
            pairs.c.order_date <= end,
            or_(pairs.c.dissolved_at.is_(None), pairs.c.dissolved_at >= start_at),
        )
        .order_by(pairs.c.id)
    )
    return await _with_mentees(conn, [tuple(r) for r in (await conn.execute(query)).all()])


async def plans_of(
    conn: AsyncConnection, pair_ids: Sequence[int]
) -> dict[tuple[int, int], PlanFacts]:
    """(pair, mentee) → the personalised programme's status and term in months."""
    found: dict[tuple[int, int], PlanFacts] = {}
    for chunk in _chunks(pair_ids):
        rows = await conn.execute(
            select(
                plans.c.pair_id, plans.c.mentee_id, plans.c.status, plans.c.duration_months
            ).where(plans.c.pair_id.in_(chunk))
        )
        for pair_id, mentee_id, status, months in rows.all():
            found[(int(pair_id), int(mentee_id))] = PlanFacts(status, int(months))
    return found


async def held_meetings(
    conn: AsyncConnection, pair_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> dict[int, HeldMeetings]:
    """Per pair: the meetings held in [start_at, end_at), and whether a final one was."""
    found: dict[int, HeldMeetings] = {}
    for chunk in _chunks(pair_ids):
        rows = await conn.execute(
            select(
                meetings.c.pair_id,
                func.count(),
                # max() of a CASE, not of a boolean: PostgreSQL has no max(boolean).
                func.max(case((meetings.c.kind == "final", 1), else_=0)),
            )
            .where(
                meetings.c.pair_id.in_(chunk),
                meetings.c.status == "held",
                meetings.c.starts_at >= start_at,
                meetings.c.starts_at < end_at,
            )
            .group_by(meetings.c.pair_id)
        )
        for pair_id, count, final in rows.all():
            found[int(pair_id)] = HeldMeetings(int(count), bool(final))
    return found


async def group_finals_held(
    conn: AsyncConnection, organisation_id: int, start_at: datetime, end_at: datetime
) -> list[datetime]:
    """When the final meeting of all pairs (итоговая общая встреча) was held in the window."""
    rows = await conn.execute(
        select(meetings.c.starts_at)
        .where(
            meetings.c.organisation_id == organisation_id,
            meetings.c.pair_id.is_(None),
            meetings.c.kind == "group_final",
            meetings.c.status == "held",
            meetings.c.starts_at >= start_at,
            meetings.c.starts_at < end_at,
        )
        .order_by(meetings.c.starts_at)
    )
    return list(rows.scalars())


async def participants(
    conn: AsyncConnection, org_ids: Sequence[int], end: date, start_at: datetime
) -> tuple[int, int]:
    """Distinct mentors and mentees of pairs that worked within the period (see year_pairs)."""
    worked = and_(
        pairs.c.organisation_id.in_(list(org_ids)),
        pairs.c.order_number != "",
        pairs.c.order_date <= end,
        or_(pairs.c.dissolved_at.is_(None), pairs.c.dissolved_at >= start_at),
    )
    mentors = await conn.execute(select(func.count(func.distinct(pairs.c.mentor_id))).where(worked))
    mentees = await conn.execute(
        select(func.count(func.distinct(pair_mentees.c.mentee_id)))
        .select_from(pairs.join(pair_mentees, pair_mentees.c.pair_id == pairs.c.id))
        .where(worked)
    )
    return int(mentors.scalar_one()), int(mentees.scalar_one())


# --- people ---------------------------------------------------------------------------------
async def names_of(conn: AsyncConnection, person_ids: Sequence[int]) -> dict[int, str | None]:
    """Full names; None for a person erased by /forget."""
    found: dict[int, str | None] = {}
    for chunk in _chunks(person_ids):
        rows = await conn.execute(
            select(people.c.id, people.c.full_name).where(people.c.id.in_(chunk))
        )
        found.update({int(pid): name for pid, name in rows.all()})
    return found


async def roster_lines(conn: AsyncConnection, person_ids: Sequence[int]) -> dict[int, str]:
    """The class or position the school's own list gave a person («7А», «учитель физики»)."""
    found: dict[int, str] = {}
    for chunk in _chunks(person_ids):
        rows = await conn.execute(
            select(people_imports.c.person_id, people_imports.c.class_or_position).where(
                people_imports.c.person_id.in_(chunk), people_imports.c.class_or_position != ""
            )
        )
        found.update({int(pid): text for pid, text in rows.all()})
    return found


async def partners_of(
    conn: AsyncConnection, person_ids: Sequence[int]
) -> dict[int, list[PartnerOf]]:
    """The partner organisations each of these people is a mentor of."""
    found: dict[int, list[PartnerOf]] = {}
    for chunk in _chunks(person_ids):
        rows = await conn.execute(
            select(
                memberships.c.person_id,
                organisations.c.id,
                organisations.c.name,
                organisations.c.head_name,
                organisations.c.head_position,
            )
            .join(organisations, organisations.c.id == memberships.c.organisation_id)
            .where(
                memberships.c.person_id.in_(chunk),
                memberships.c.role == "mentor",
                organisations.c.kind == "partner",
            )
            .order_by(memberships.c.person_id, organisations.c.id)
        )
        for pid, org_id, name, head, position in rows.all():
            found.setdefault(int(pid), []).append(PartnerOf(int(org_id), name, head, position))
    return found


# --- templates ----------------------------------------------------------------------------
async def template_content(conn: AsyncConnection, organisation_id: int, kind: str) -> bytes | None:
    row = await conn.execute(
        select(document_templates.c.content).where(
            document_templates.c.organisation_id == organisation_id,
            document_templates.c.kind == kind,
        )
    )
    content = row.scalar_one_or_none()
    return bytes(content) if content is not None else None


async def templates_of(conn: AsyncConnection, organisation_id: int) -> dict[str, StoredTemplate]:
    rows = await conn.execute(
        select(
            document_templates.c.kind,
            document_templates.c.file_name,
            func.length(document_templates.c.content),
            document_templates.c.uploaded_by,
            document_templates.c.uploaded_at,
        ).where(document_templates.c.organisation_id == organisation_id)
    )
    return {
        kind: StoredTemplate(kind, name, int(size), by, at)
        for kind, name, size, by, at in rows.all()
    }


async def save_template(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    kind: str,
    file_name: str,
    content: bytes,
    uploaded_by: int | None,
    now: datetime,
) -> None:
    """Store (or replace) the organisation's template of this kind."""
    await delete_template(conn, organisation_id, kind)
    await conn.execute(
        insert(document_templates).values(
            organisation_id=organisation_id,
            kind=kind,
            file_name=file_name[:200],
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=now,
        )
    )


async def delete_template(conn: AsyncConnection, organisation_id: int, kind: str) -> bool:
    result = await conn.execute(
        delete(document_templates).where(
            document_templates.c.organisation_id == organisation_id,
            document_templates.c.kind == kind,
        )
    )
    return result.rowcount == 1
