"""Answers of many people saved together: each caller returns once his own turn is
committed, a burst costs one statement per kind, and a bad turn fails only its caller."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from storage import surveys
from storage.db import Database
from storage.schema import answers, responses
from tests.factories import make_member, make_school


async def _responses(db: Database, count: int) -> list[int]:
    school = await make_school(db)
    ids = []
    for n in range(count):
        person = await make_member(db, 500 + n, f"Участник {n}", school, "mentee")
        async with db.begin() as conn:
            assignment = await surveys.assign(conn, person, "satisfaction_mentee")
            ids.append(
                await surveys.start_response(
                    conn,
                    person_id=person,
                    assignment_id=assignment,
                    survey_code="satisfaction_mentee",
                    survey_version=1,
                    state={"step": 0},
                )
            )
    return ids


def _turn(response_id: int, step: int, **saved: Any) -> surveys.SavedTurn:
    return surveys.SavedTurn(response_id, {"step": step}, list(saved.items()), [], frozenset())


async def _stored(db: Database, response_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    async with db.connect() as conn:
        state = (
            await conn.execute(select(responses.c.state).where(responses.c.id == response_id))
        ).scalar_one()
        rows = await conn.execute(
            select(answers.c.question_code, answers.c.value).where(
                answers.c.response_id == response_id
            )
        )
        return json.loads(state), dict(rows.all())


@pytest.fixture
def statements(db: Database) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0])

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_each_caller_returns_with_his_turn_committed(db: Database) -> None:
    writer = surveys.AnswerWriter(db)
    first, second = await _responses(db, 2)
    await writer.save(_turn(first, 1, comfort=9))
    assert await _stored(db, first) == ({"step": 1}, {"comfort": 9})
    await writer.save(_turn(first, 2, comfort=7, usefulness=8))
    await writer.save(_turn(second, 1, comfort=3))
    assert await _stored(db, first) == ({"step": 2}, {"comfort": 7, "usefulness": 8})
    assert await _stored(db, second) == ({"step": 1}, {"comfort": 3})


async def test_an_answer_taken_back_is_deleted(db: Database) -> None:
    writer = surveys.AnswerWriter(db)
    (response,) = await _responses(db, 1)
    await writer.save(_turn(response, 1, comfort=9, usefulness=5))
    await writer.save(surveys.SavedTurn(response, {"step": 2}, [], ["usefulness"], frozenset()))
    assert await _stored(db, response) == ({"step": 2}, {"comfort": 9})


async def test_a_burst_shares_statements(db: Database, statements: list[str]) -> None:
    writer = surveys.AnswerWriter(db)
    ids = await _responses(db, 30)
    statements.clear()
    await asyncio.gather(*(writer.save(_turn(r, 1, comfort=n % 10)) for n, r in enumerate(ids)))
    assert statements.count("UPDATE") < 10, "thirty turns, a few statements"
    for n, response in enumerate(ids):
        assert await _stored(db, response) == ({"step": 1}, {"comfort": n % 10})


async def test_a_bad_turn_fails_only_its_caller(db: Database) -> None:
    writer = surveys.AnswerWriter(db)
    ids = await _responses(db, 5)
    no_such_response = max(ids) + 1000  # the answer's foreign key refuses it
    turns = [_turn(r, 1, comfort=5) for r in ids[:2]]
    turns += [_turn(no_such_response, 1, comfort=5)]
    turns += [_turn(r, 1, comfort=6) for r in ids[2:]]
    outcomes = await asyncio.gather(*(writer.save(t) for t in turns), return_exceptions=True)
    assert isinstance(outcomes[2], IntegrityError)
    assert [o for n, o in enumerate(outcomes) if n != 2] == [None] * 5
    for response in ids:
        state, saved = await _stored(db, response)
        assert state == {"step": 1} and set(saved) == {"comfort"}
