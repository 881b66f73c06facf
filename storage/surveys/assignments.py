"""Survey assignments (кто какую анкету должен заполнить): queued, started, answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import survey_assignments
from storage.types import utcnow

__all__ = [
    "Assignment",
    "assign",
    "cancel_pending_for_person",
    "close_pending_twins",
    "get_assignment",
    "next_pending_assignment",
    "pending_count",
    "set_status",
    "unanswered_between",
]


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    person_id: int
    survey_code: str
    wave_id: int | None
    subject_type: str | None
    subject_id: int | None
    status: str


def _assignment(row: RowMapping) -> Assignment:
    return Assignment(**{name: row[name] for name in Assignment.__slots__})  # type: ignore[attr-defined]


async def assign(
    conn: AsyncConnection,
    person_id: int,
    survey_code: str,
    *,
    wave_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    status: str = "pending",
) -> int | None:
    """Queue a questionnaire for a person: the new assignment's id, or None when queued already.

    `status="submitted"` records that the person belongs to a wave but has answered already."""
    key = f"{person_id}:{survey_code}:{wave_id or ''}:{subject_type or ''}:{subject_id or ''}"
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    result = await conn.execute(
        insert_(survey_assignments)
        .values(
            person_id=person_id,
            survey_code=survey_code,
            wave_id=wave_id,
            subject_type=subject_type,
            subject_id=subject_id,
            dedupe_key=key,
            status=status,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(survey_assignments.c.id)
    )
    return result.scalar_one_or_none()


# Built once: these run for every person answering, and building a statement costs
# SQLAlchemy about as much as running it.
_NEXT_PENDING = (
    select(survey_assignments)
    .where(
        survey_assignments.c.person_id == bindparam("b_person"),
        survey_assignments.c.status == "pending",
    )
    .order_by(survey_assignments.c.id)
    .limit(1)
)
_BY_ID = select(survey_assignments).where(survey_assignments.c.id == bindparam("b_id"))
_SET_STATUS = (
    update(survey_assignments)
    .where(survey_assignments.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"))
)


async def next_pending_assignment(conn: AsyncConnection, person_id: int) -> Assignment | None:
    row = (await conn.execute(_NEXT_PENDING, {"b_person": person_id})).mappings().first()
    return _assignment(row) if row else None


async def pending_count(conn: AsyncConnection, person_id: int) -> int:
    query = select(func.count()).where(
        survey_assignments.c.person_id == person_id, survey_assignments.c.status == "pending"
    )
    return int((await conn.execute(query)).scalar_one())


async def get_assignment(conn: AsyncConnection, assignment_id: int) -> Assignment | None:
    row = (await conn.execute(_BY_ID, {"b_id": assignment_id})).mappings().first()
    return _assignment(row) if row else None


async def set_status(conn: AsyncConnection, assignment_id: int, status: str) -> None:
    """pending → in_progress → submitted (or cancelled)."""
    await conn.execute(_SET_STATUS, {"b_id": assignment_id, "b_status": status})


async def close_pending_twins(conn: AsyncConnection, person_id: int, survey_code: str) -> None:
    """A questionnaire asked once (the intake): answering it answers every untouched copy."""
    await conn.execute(
        update(survey_assignments)
        .where(
            survey_assignments.c.person_id == person_id,
            survey_assignments.c.survey_code == survey_code,
            survey_assignments.c.status == "pending",
        )
        .values(status="submitted")
    )


async def cancel_pending_for_person(conn: AsyncConnection, person_id: int) -> None:
    await conn.execute(
        update(survey_assignments)
        .where(
            survey_assignments.c.person_id == person_id,
            survey_assignments.c.status.in_(("pending", "in_progress")),
        )
        .values(status="cancelled")
    )


async def unanswered_between(
    conn: AsyncConnection, survey_code: str, created_after: datetime, created_before: datetime
) -> list[Assignment]:
    """Assignments of a questionnaire, not yet submitted, created in the given window."""
    result = await conn.execute(
        select(survey_assignments).where(
            survey_assignments.c.survey_code == survey_code,
            survey_assignments.c.status.in_(("pending", "in_progress")),
            survey_assignments.c.created_at > created_after,
            survey_assignments.c.created_at <= created_before,
        )
    )
    return [_assignment(row) for row in result.mappings()]
