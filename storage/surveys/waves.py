"""Survey waves (волны анкетирования): one questionnaire sent to a role in an organisation,
and where each person in it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import memberships, people, responses, survey_assignments, survey_waves
from storage.surveys.responses import submitted_since
from storage.types import utcnow

__all__ = [
    "Wave",
    "WaveProgress",
    "active_people_with_role",
    "create_wave",
    "get_wave",
    "intake_progress",
    "wave_open_assignments",
    "wave_progress",
    "waves_for_organisation",
]


@dataclass(frozen=True, slots=True)
class Wave:
    id: int
    organisation_id: int
    survey_code: str
    role: str
    deadline: date
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WaveProgress:
    person_id: int
    full_name: str | None
    status: str  # not_started / started / answered


def _wave(row: RowMapping) -> Wave:
    return Wave(
        row["id"],
        row["organisation_id"],
        row["survey_code"],
        row["role"],
        row["deadline"],
        row["created_at"],
    )


async def create_wave(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    survey_code: str,
    role: str,
    deadline: date,
    created_by: int | None,
) -> Wave:
    result = await conn.execute(
        insert(survey_waves)
        .values(
            organisation_id=organisation_id,
            survey_code=survey_code,
            role=role,
            deadline=deadline,
            created_by=created_by,
            created_at=utcnow(),
        )
        .returning(*survey_waves.c)
    )
    return _wave(result.mappings().one())


async def get_wave(conn: AsyncConnection, wave_id: int) -> Wave | None:
    row = (
        (await conn.execute(select(survey_waves).where(survey_waves.c.id == wave_id)))
        .mappings()
        .first()
    )
    return _wave(row) if row is not None else None


async def waves_for_organisation(conn: AsyncConnection, organisation_id: int) -> list[Wave]:
    result = await conn.execute(
        select(survey_waves)
        .where(survey_waves.c.organisation_id == organisation_id)
        .order_by(survey_waves.c.id.desc())
    )
    return [_wave(r) for r in result.mappings()]


async def wave_progress(conn: AsyncConnection, wave_id: int) -> list[WaveProgress]:
    result = await conn.execute(
        select(people.c.id, people.c.full_name, survey_assignments.c.status)
        .select_from(survey_assignments.join(people, people.c.id == survey_assignments.c.person_id))
        .where(survey_assignments.c.wave_id == wave_id, survey_assignments.c.status != "cancelled")
        .order_by(people.c.full_name, people.c.id)
    )
    label = {"pending": "not_started", "in_progress": "started", "submitted": "answered"}
    return [WaveProgress(r["id"], r["full_name"], label[r["status"]]) for r in result.mappings()]


async def wave_open_assignments(conn: AsyncConnection, wave_id: int) -> list[tuple[int, int]]:
    """(assignment id, person id) of everyone in the wave who has not submitted yet."""
    result = await conn.execute(
        select(survey_assignments.c.id, survey_assignments.c.person_id)
        .where(
            survey_assignments.c.wave_id == wave_id,
            survey_assignments.c.status.in_(("pending", "in_progress")),
        )
        .order_by(survey_assignments.c.id)
    )
    return [(int(r.id), int(r.person_id)) for r in result]


async def active_people_with_role(
    conn: AsyncConnection, organisation_id: int, role: str
) -> list[int]:
    result = await conn.execute(
        select(people.c.id)
        .select_from(people.join(memberships, memberships.c.person_id == people.c.id))
        .where(
            memberships.c.organisation_id == organisation_id,
            memberships.c.role == role,
            people.c.status == "active",
        )
        .order_by(people.c.id)
    )
    return [int(r) for r in result.scalars()]


async def intake_progress(
    conn: AsyncConnection, organisation_id: int, role: str, survey_code: str, since: datetime
) -> list[WaveProgress]:
    """Every active person of the role in the organisation and where he is with the
    questionnaire since `since`: answered, started or not started."""
    members = await conn.execute(
        select(people.c.id, people.c.full_name)
        .select_from(people.join(memberships, memberships.c.person_id == people.c.id))
        .where(
            memberships.c.organisation_id == organisation_id,
            memberships.c.role == role,
            people.c.status == "active",
        )
        .order_by(people.c.full_name, people.c.id)
    )
    rows = [(int(r.id), r.full_name) for r in members]
    ids = [pid for pid, _ in rows]
    answered = await submitted_since(conn, ids, survey_code, since)
    started: set[int] = set()
    if ids:
        result = await conn.execute(
            select(responses.c.person_id).where(
                responses.c.person_id.in_(ids),
                responses.c.survey_code == survey_code,
                responses.c.status == "in_progress",
            )
        )
        started = {int(pid) for pid in result.scalars()}
    return [
        WaveProgress(
            pid,
            name,
            "answered" if pid in answered else "started" if pid in started else "not_started",
        )
        for pid, name in rows
    ]
