"""Pairs and groups (пары и группы), the curator's draft proposal, personalised plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import pair_mentees, pair_proposals, pairs, plans

__all__ = [
    "Draft",
    "Pair",
    "Plan",
    "active_pairs",
    "busy_people",
    "create_pair",
    "delete_draft",
    "dissolve",
    "entered_programme",
    "get_draft",
    "get_pair",
    "get_plan",
    "get_plan_by_id",
    "pairs_of_person",
    "plans_for_pair",
    "remove_mentee",
    "save_draft",
    "save_plan",
    "set_plan_status",
]

PLAN_STATUSES = ("draft", "submitted", "approved", "returned")


@dataclass(frozen=True, slots=True)
class Draft:
    organisation_id: int
    groups: dict[int, list[int]]  # mentor id -> mentee ids
    unmatched: dict[int, str]  # mentee id -> reason code
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Pair:
    id: int
    organisation_id: int
    mentor_id: int
    mentee_ids: tuple[int, ...]
    form: str
    status: str
    order_number: str
    order_date: date
    fit_flag: bool  # approved without a blocking pair
    poor_fit_at: datetime | None = None  # feedback rated the fit low, first at


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    pair_id: int
    mentee_id: int
    goals: list[str]
    duration_months: int
    activities: list[dict[str, Any]]
    expected_results: str
    status: str
    mentee_comment: str | None
    curator_comment: str | None


# --- the draft ---------------------------------------------------------------------------------
async def save_draft(
    conn: AsyncConnection,
    organisation_id: int,
    groups: dict[int, list[int]],
    unmatched: dict[int, str],
    now: datetime,
) -> None:
    """Replace the organisation's draft (JSON keys are strings; `get_draft` turns them back)."""
    await delete_draft(conn, organisation_id)
    await conn.execute(
        insert(pair_proposals).values(
            organisation_id=organisation_id,
            groups={str(k): v for k, v in groups.items()},
            unmatched={str(k): v for k, v in unmatched.items()},
            created_at=now,
            updated_at=now,
        )
    )


async def get_draft(conn: AsyncConnection, organisation_id: int) -> Draft | None:
    row = (
        (
            await conn.execute(
                select(pair_proposals).where(pair_proposals.c.organisation_id == organisation_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return Draft(
        organisation_id,
        {int(k): [int(m) for m in v] for k, v in row["groups"].items()},
        {int(k): str(v) for k, v in row["unmatched"].items()},
        row["created_at"],
    )


async def delete_draft(conn: AsyncConnection, organisation_id: int) -> None:
    await conn.execute(
        delete(pair_proposals).where(pair_proposals.c.organisation_id == organisation_id)
    )


# --- pairs ---------------------------------------------------------------------------------------
async def create_pair(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    mentor_id: int,
    mentee_ids: list[int],
    form: str,
    order_number: str,
    order_date: date,
    approved_by: int | None,
    fit_flag: bool,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(pairs).values(
            organisation_id=organisation_id,
            mentor_id=mentor_id,
            form=form,
            status="active",
            order_number=order_number,
            order_date=order_date,
            approved_at=now,
            approved_by=approved_by,
            fit_flag=fit_flag,
        )
    )
    pair_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    await conn.execute(
        insert(pair_mentees), [{"pair_id": pair_id, "mentee_id": m} for m in mentee_ids]
    )
    return pair_id


async def _with_mentees(conn: AsyncConnection, rows: list[Any]) -> list[Pair]:
    ids = [row["id"] for row in rows]
    members: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        found = await conn.execute(
            select(pair_mentees.c.pair_id, pair_mentees.c.mentee_id)
            .where(pair_mentees.c.pair_id.in_(ids))
            .order_by(pair_mentees.c.mentee_id)
        )
        for pair_id, mentee_id in found.all():
            members[pair_id].append(mentee_id)
    return [
        Pair(
            id=row["id"],
            organisation_id=row["organisation_id"],
            mentor_id=row["mentor_id"],
            mentee_ids=tuple(members[row["id"]]),
            form=row["form"],
            status=row["status"],
            order_number=row["order_number"],
            order_date=row["order_date"],
            fit_flag=bool(row["fit_flag"]),
            poor_fit_at=row["poor_fit_at"],
        )
        for row in rows
    ]


async def active_pairs(conn: AsyncConnection, organisation_id: int) -> list[Pair]:
    result = await conn.execute(
        select(pairs)
        .where(pairs.c.organisation_id == organisation_id, pairs.c.status == "active")
        .order_by(pairs.c.id)
    )
    return await _with_mentees(conn, list(result.mappings()))


async def get_pair(conn: AsyncConnection, pair_id: int) -> Pair | None:
    rows = list((await conn.execute(select(pairs).where(pairs.c.id == pair_id))).mappings())
    found = await _with_mentees(conn, rows)
    return found[0] if found else None


async def pairs_of_person(conn: AsyncConnection, person_id: int) -> list[Pair]:
    """Active pairs where the person is the mentor or a mentee."""
    as_mentee = select(pair_mentees.c.pair_id).where(pair_mentees.c.mentee_id == person_id)
    result = await conn.execute(
        select(pairs)
        .where(
            pairs.c.status == "active",
            (pairs.c.mentor_id == person_id) | pairs.c.id.in_(as_mentee),
        )
        .order_by(pairs.c.id)
    )
    return await _with_mentees(conn, list(result.mappings()))


async def busy_people(conn: AsyncConnection) -> tuple[set[int], dict[int, int]]:
    """Mentees in an active pair, and mentors with the number of mentees they already lead."""
    joined = pairs.join(pair_mentees, pair_mentees.c.pair_id == pairs.c.id)
    rows = (
        await conn.execute(
            select(pairs.c.mentor_id, pair_mentees.c.mentee_id)
            .select_from(joined)
            .where(pairs.c.status == "active")
        )
    ).all()
    load: dict[int, int] = {}
    for mentor_id, _ in rows:
        load[mentor_id] = load.get(mentor_id, 0) + 1
    return {mentee_id for _, mentee_id in rows}, load


async def dissolve(conn: AsyncConnection, pair_id: int, reason: str, now: datetime) -> bool:
    result = await conn.execute(
        update(pairs)
        .where(pairs.c.id == pair_id, pairs.c.status == "active")
        .values(status="dissolved", dissolved_at=now, dissolve_reason=reason[:300])
    )
    return result.rowcount == 1


# --- plans ---------------------------------------------------------------------------------------
def _plan(row: Any) -> Plan:
    return Plan(
        id=row["id"],
        pair_id=row["pair_id"],
        mentee_id=row["mentee_id"],
        goals=list(row["goals"]),
        duration_months=row["duration_months"],
        activities=list(row["activities"]),
        expected_results=row["expected_results"],
        status=row["status"],
        mentee_comment=row["mentee_comment"],
        curator_comment=row["curator_comment"],
    )


async def get_plan(conn: AsyncConnection, pair_id: int, mentee_id: int) -> Plan | None:
    row = (
        (
            await conn.execute(
                select(plans).where(plans.c.pair_id == pair_id, plans.c.mentee_id == mentee_id)
            )
        )
        .mappings()
        .first()
    )
    return _plan(row) if row else None


async def get_plan_by_id(conn: AsyncConnection, plan_id: int) -> Plan | None:
    row = (await conn.execute(select(plans).where(plans.c.id == plan_id))).mappings().first()
    return _plan(row) if row else None


async def mark_poor_fit(conn: AsyncConnection, pair_id: int, now: datetime) -> None:
    """Record that feedback rated the pair's fit low; the first report's time is kept."""
    await conn.execute(
        update(pairs)
        .where(pairs.c.id == pair_id, pairs.c.poor_fit_at.is_(None))
        .values(poor_fit_at=now)
    )


async def plans_for_pair(conn: AsyncConnection, pair_id: int) -> list[Plan]:
    result = await conn.execute(
        select(plans).where(plans.c.pair_id == pair_id).order_by(plans.c.mentee_id)
    )
    return [_plan(row) for row in result.mappings()]


async def save_plan(
    conn: AsyncConnection,
    *,
    pair_id: int,
    mentee_id: int,
    goals: list[str],
    duration_months: int,
    activities: list[dict[str, Any]],
    expected_results: str,
    status: str,
    now: datetime,
) -> None:
    """Create or overwrite the plan's content; comments stay, the status is set."""
    values = {
        "goals": goals,
        "duration_months": duration_months,
        "activities": activities,
        "expected_results": expected_results,
        "status": status,
        "updated_at": now,
    }
    changed = await conn.execute(
        update(plans)
        .where(plans.c.pair_id == pair_id, plans.c.mentee_id == mentee_id)
        .values(**values)
    )
    if changed.rowcount == 0:
        await conn.execute(
            insert(plans).values(pair_id=pair_id, mentee_id=mentee_id, created_at=now, **values)
        )


async def set_plan_status(
    conn: AsyncConnection,
    plan_id: int,
    status: str,
    now: datetime,
    *,
    from_statuses: tuple[str, ...],
    curator_comment: str | None = None,
    mentee_comment: str | None = None,
) -> bool:
    """Move a plan between statuses; False when it is not in one of `from_statuses`."""
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if status == "approved":
        values["approved_at"] = now
    if curator_comment is not None:
        values["curator_comment"] = curator_comment
    if mentee_comment is not None:
        values["mentee_comment"] = mentee_comment
    result = await conn.execute(
        update(plans)
        .where(plans.c.id == plan_id, plans.c.status.in_(from_statuses))
        .values(**values)
    )
    return result.rowcount == 1


async def entered_programme(conn: AsyncConnection, organisation_id: int) -> list[int]:
    """Mentee ids that entered the programme (DESIGN §1): named in an active pair approved by an
    order with number and date, and with an approved personalised plan in that pair."""
    query = (
        select(pair_mentees.c.mentee_id)
        .select_from(
            pairs.join(pair_mentees, pair_mentees.c.pair_id == pairs.c.id).join(
                plans,
                and_(
                    plans.c.pair_id == pairs.c.id,
                    plans.c.mentee_id == pair_mentees.c.mentee_id,
                ),
            )
        )
        .where(
            pairs.c.organisation_id == organisation_id,
            pairs.c.status == "active",
            pairs.c.order_number != "",
            pairs.c.order_date.is_not(None),
            plans.c.status == "approved",
        )
        .distinct()
        .order_by(pair_mentees.c.mentee_id)
    )
    return [int(pid) for pid in (await conn.execute(query)).scalars()]


async def remove_mentee(conn: AsyncConnection, pair_id: int, mentee_id: int) -> None:
    """A mentee leaves a group that goes on without him; his plan in it goes with him."""
    await conn.execute(
        delete(plans).where(plans.c.pair_id == pair_id, plans.c.mentee_id == mentee_id)
    )
    await conn.execute(
        delete(pair_mentees).where(
            pair_mentees.c.pair_id == pair_id, pair_mentees.c.mentee_id == mentee_id
        )
    )
