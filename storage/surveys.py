"""Questionnaire waves, assignments, responses and answers (every answer saved at once)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Insert, Update, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import answers, memberships, people, responses, survey_assignments, survey_waves
from storage.types import utcnow

__all__ = [
    "Assignment",
    "Response",
    "Wave",
    "WaveProgress",
    "assign",
    "cancel_pending_for_person",
    "close_pending_twins",
    "create_wave",
    "erase_answers",
    "get_response",
    "get_wave",
    "in_progress_response",
    "intake_progress",
    "next_pending_assignment",
    "pending_count",
    "save_answers",
    "save_state",
    "start_response",
    "submit_response",
    "submitted_answers",
    "submitted_since",
    "unanswered_between",
    "wave_progress",
    "waves_for_organisation",
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


@dataclass(frozen=True, slots=True)
class Response:
    id: int
    assignment_id: int | None
    person_id: int
    survey_code: str
    survey_version: int
    state: dict[str, Any]
    status: str


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


def _assignment(row: RowMapping) -> Assignment:
    return Assignment(**{name: row[name] for name in Assignment.__slots__})  # type: ignore[attr-defined]


def _response(row: RowMapping) -> Response:
    values = {name: row[name] for name in Response.__slots__ if name != "state"}  # type: ignore[attr-defined]
    return Response(state=json.loads(row["state"]), **values)


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


async def next_pending_assignment(conn: AsyncConnection, person_id: int) -> Assignment | None:
    query = (
        select(survey_assignments)
        .where(
            survey_assignments.c.person_id == person_id, survey_assignments.c.status == "pending"
        )
        .order_by(survey_assignments.c.id)
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return _assignment(row) if row else None


async def pending_count(conn: AsyncConnection, person_id: int) -> int:
    query = select(func.count()).where(
        survey_assignments.c.person_id == person_id, survey_assignments.c.status == "pending"
    )
    return int((await conn.execute(query)).scalar_one())


async def get_assignment(conn: AsyncConnection, assignment_id: int) -> Assignment | None:
    query = select(survey_assignments).where(survey_assignments.c.id == assignment_id)
    row = (await conn.execute(query)).mappings().first()
    return _assignment(row) if row else None


async def in_progress_response(conn: AsyncConnection, person_id: int) -> Response | None:
    query = (
        select(responses)
        .where(responses.c.person_id == person_id, responses.c.status == "in_progress")
        .order_by(responses.c.id)
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return _response(row) if row else None


async def get_response(conn: AsyncConnection, response_id: int) -> Response | None:
    row = (
        (await conn.execute(select(responses).where(responses.c.id == response_id)))
        .mappings()
        .first()
    )
    return _response(row) if row else None


async def start_response(
    conn: AsyncConnection,
    *,
    person_id: int,
    assignment_id: int | None,
    survey_code: str,
    survey_version: int,
    state: dict[str, Any],
) -> int:
    now = utcnow()
    result = await conn.execute(
        insert(responses)
        .values(
            assignment_id=assignment_id,
            person_id=person_id,
            survey_code=survey_code,
            survey_version=survey_version,
            state=json.dumps(state, ensure_ascii=False),
            status="in_progress",
            started_at=now,
            updated_at=now,
        )
        .returning(responses.c.id)
    )
    if assignment_id is not None:
        await conn.execute(
            update(survey_assignments)
            .where(survey_assignments.c.id == assignment_id)
            .values(status="in_progress")
        )
    return int(result.scalar_one())


# Built once: the two statements run for every answer, and building one costs more than
# executing it.
_SAVE_STATE: Update = (
    update(responses)
    .where(responses.c.id == bindparam("b_response"))
    .values(state=bindparam("b_state"), updated_at=bindparam("b_at"))
)


def _answer_upsert(dialect: str) -> Insert:
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_(answers).values(
        response_id=bindparam("b_response"),
        question_code=bindparam("b_code"),
        value=bindparam("b_value"),
        free_text=bindparam("b_free"),
        answered_at=bindparam("b_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["response_id", "question_code"],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at},
    )


_ANSWER_UPSERTS = {dialect: _answer_upsert(dialect) for dialect in ("sqlite", "postgresql")}


async def save_state(conn: AsyncConnection, response_id: int, state: dict[str, Any]) -> None:
    await conn.execute(
        _SAVE_STATE,
        {
            "b_response": response_id,
            "b_state": json.dumps(state, ensure_ascii=False),
            "b_at": utcnow(),
        },
    )


async def save_answers(
    conn: AsyncConnection,
    response_id: int,
    saved: list[tuple[str, Any]],
    cleared: list[str],
    free_text_codes: frozenset[str],
) -> None:
    now = utcnow()
    if saved:
        upsert = _ANSWER_UPSERTS[conn.dialect.name]
        rows = [
            {
                "b_response": response_id,
                "b_code": code,
                "b_value": value,
                "b_free": code in free_text_codes,
                "b_at": now,
            }
            for code, value in saved
        ]
        await conn.execute(upsert, rows)
    if cleared:
        await conn.execute(
            delete(answers).where(
                answers.c.response_id == response_id, answers.c.question_code.in_(cleared)
            )
        )


async def submit_response(
    conn: AsyncConnection, response_id: int, state: dict[str, Any], satisfaction_score: float | None
) -> None:
    now = utcnow()
    row = await conn.execute(
        update(responses)
        .where(responses.c.id == response_id)
        .values(
            state=json.dumps(state, ensure_ascii=False),
            status="submitted",
            submitted_at=now,
            updated_at=now,
            satisfaction_score=satisfaction_score,
        )
        .returning(responses.c.assignment_id)
    )
    assignment_id = row.scalar_one()
    if assignment_id is not None:
        await conn.execute(
            update(survey_assignments)
            .where(survey_assignments.c.id == assignment_id)
            .values(status="submitted")
        )


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


async def submitted_since(
    conn: AsyncConnection, person_ids: list[int], survey_code: str, since: datetime
) -> set[int]:
    """Who among these people submitted the questionnaire at or after `since`."""
    if not person_ids:
        return set()
    result = await conn.execute(
        select(responses.c.person_id)
        .where(
            responses.c.person_id.in_(person_ids),
            responses.c.survey_code == survey_code,
            responses.c.status == "submitted",
            responses.c.submitted_at >= since,
        )
        .distinct()
    )
    return {int(pid) for pid in result.scalars()}


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


async def submitted_answers(
    conn: AsyncConnection, person_id: int, survey_codes: tuple[str, ...]
) -> dict[str, Any]:
    """The answers of the person's latest submitted response among these questionnaires."""
    latest = (
        select(responses.c.id)
        .where(
            responses.c.person_id == person_id,
            responses.c.status == "submitted",
            responses.c.survey_code.in_(survey_codes),
        )
        .order_by(responses.c.submitted_at.desc(), responses.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(answers.c.question_code, answers.c.value).where(answers.c.response_id == latest)
    )
    return {code: value for code, value in rows.all()}


async def cancel_pending_for_person(conn: AsyncConnection, person_id: int) -> None:
    await conn.execute(
        update(survey_assignments)
        .where(
            survey_assignments.c.person_id == person_id,
            survey_assignments.c.status.in_(("pending", "in_progress")),
        )
        .values(status="cancelled")
    )


async def erase_answers(
    conn: AsyncConnection, person_id: int, keep: Mapping[tuple[str, int], frozenset[str]]
) -> None:
    """Part of /forget: every answer of the person goes but the question codes `keep` names for
    the response's (questionnaire, version); the saved state goes too. The response rows stay,
    with their satisfaction score, as the anonymous id's part of the aggregates."""
    own = await conn.execute(
        select(responses.c.id, responses.c.survey_code, responses.c.survey_version).where(
            responses.c.person_id == person_id
        )
    )
    for response_id, code, version in own.all():
        kept = keep.get((code, version), frozenset())
        await conn.execute(
            delete(answers).where(
                answers.c.response_id == response_id, answers.c.question_code.not_in(kept)
            )
        )
    await conn.execute(
        update(responses)
        .where(responses.c.person_id == person_id)
        .values(state=json.dumps({"erased": True}))
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
        .select_from(people.join(memberships, and_(memberships.c.person_id == people.c.id)))
        .where(
            memberships.c.organisation_id == organisation_id,
            memberships.c.role == role,
            people.c.status == "active",
        )
        .order_by(people.c.id)
    )
    return [int(r) for r in result.scalars()]


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
