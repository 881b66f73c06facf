"""Responses (ответы на анкету): started, read back, submitted, erased.

The response row keeps the engine's state as JSON (where the person is, what he answered),
so that a restart resumes at the same question; every answer is also a row of `answers`
(written as it is given, by answering.py), which stats and reports read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import answers, responses
from storage.surveys.assignments import set_status
from storage.types import utcnow

__all__ = [
    "Response",
    "erase_answers",
    "get_response",
    "in_progress_response",
    "start_response",
    "submit_response",
    "submitted_answers",
    "submitted_since",
]


@dataclass(frozen=True, slots=True)
class Response:
    id: int
    assignment_id: int | None
    person_id: int
    survey_code: str
    survey_version: int
    state: dict[str, Any]
    status: str


def _response(row: RowMapping) -> Response:
    values = {name: row[name] for name in Response.__slots__ if name != "state"}  # type: ignore[attr-defined]
    return Response(state=json.loads(row["state"]), **values)


# Built once: these run for every person answering, and building a statement costs
# SQLAlchemy about as much as running it.
_IN_PROGRESS = (
    select(responses)
    .where(responses.c.person_id == bindparam("b_person"), responses.c.status == "in_progress")
    .order_by(responses.c.id)
    .limit(1)
)
_BY_ID = select(responses).where(responses.c.id == bindparam("b_id"))
_START = (
    insert(responses)
    .values(
        assignment_id=bindparam("b_assignment"),
        person_id=bindparam("b_person"),
        survey_code=bindparam("b_code"),
        survey_version=bindparam("b_version"),
        state=bindparam("b_state"),
        status="in_progress",
        started_at=bindparam("b_at"),
        updated_at=bindparam("b_at"),
    )
    .returning(responses.c.id)
)
_SUBMIT = (
    update(responses)
    .where(responses.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        status="submitted",
        submitted_at=bindparam("b_at"),
        updated_at=bindparam("b_at"),
        satisfaction_score=bindparam("b_score"),
    )
    .returning(responses.c.assignment_id)
)
_LATEST_SUBMITTED = (
    select(responses.c.id)
    .where(
        responses.c.person_id == bindparam("b_person"),
        responses.c.status == "submitted",
        responses.c.survey_code.in_(bindparam("b_codes", expanding=True)),
    )
    .order_by(responses.c.submitted_at.desc(), responses.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_SUBMITTED_ANSWERS = select(answers.c.question_code, answers.c.value).where(
    answers.c.response_id == _LATEST_SUBMITTED
)


async def in_progress_response(conn: AsyncConnection, person_id: int) -> Response | None:
    row = (await conn.execute(_IN_PROGRESS, {"b_person": person_id})).mappings().first()
    return _response(row) if row else None


async def get_response(conn: AsyncConnection, response_id: int) -> Response | None:
    row = (await conn.execute(_BY_ID, {"b_id": response_id})).mappings().first()
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
    params = {
        "b_assignment": assignment_id,
        "b_person": person_id,
        "b_code": survey_code,
        "b_version": survey_version,
        "b_state": json.dumps(state, ensure_ascii=False),
        "b_at": utcnow(),
    }
    response_id = int((await conn.execute(_START, params)).scalar_one())
    if assignment_id is not None:
        await set_status(conn, assignment_id, "in_progress")
    return response_id


async def submit_response(
    conn: AsyncConnection, response_id: int, state: dict[str, Any], satisfaction_score: float | None
) -> None:
    params = {
        "b_id": response_id,
        "b_state": json.dumps(state, ensure_ascii=False),
        "b_at": utcnow(),
        "b_score": satisfaction_score,
    }
    assignment_id = (await conn.execute(_SUBMIT, params)).scalar_one()
    if assignment_id is not None:
        await set_status(conn, assignment_id, "submitted")


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


async def submitted_answers(
    conn: AsyncConnection, person_id: int, survey_codes: tuple[str, ...]
) -> dict[str, Any]:
    """The answers of the person's latest submitted response among these questionnaires."""
    params = {"b_person": person_id, "b_codes": list(survey_codes)}
    rows = await conn.execute(_SUBMITTED_ANSWERS, params)
    return {code: value for code, value in rows.all()}


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
