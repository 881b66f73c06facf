"""Saving answers as they are given: each committed before the reply, many people's at once.

A turn that changes a response writes its answers and the response's new state. Written turn
by turn, a burst of people answering costs two statements per turn, each three round trips
to SQLite's thread (cursor, execute, close) and the engine's work around them; the commits are
shared already (storage/group_commit.py). `AnswerWriter` does for these rows what group commit
does for jobs: turns queued while a write is under way go together into the next one, one
statement per kind for all of them, in one group-committed job, and every caller awaits the
commit that holds his own turn. When a write fails, each of its turns is written again alone,
so a bad one fails only its own caller.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Insert, Update, bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.schema import answers, responses
from storage.types import utcnow

__all__ = ["AnswerWriter", "SavedTurn", "save_answers", "write_turns"]


# Built once: they run for every answer, and building one costs more than executing it.
# Each takes one set of parameters or a list of them (one statement for many answers).
SAVE_STATE: Update = (
    update(responses)
    .where(responses.c.id == bindparam("b_response"))
    .values(state=bindparam("b_state"), updated_at=bindparam("b_at"))
)
DELETE_ANSWER = delete(answers).where(
    answers.c.response_id == bindparam("b_response"),
    answers.c.question_code == bindparam("b_code"),
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


ANSWER_UPSERTS = {dialect: _answer_upsert(dialect) for dialect in ("sqlite", "postgresql")}


def _state_params(response_id: int, state: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"b_response": response_id, "b_state": json.dumps(state, ensure_ascii=False), "b_at": at}


def _answer_params(
    response_id: int,
    saved: list[tuple[str, Any]],
    free_text_codes: frozenset[str],
    at: datetime,
) -> list[dict[str, Any]]:
    return [
        {
            "b_response": response_id,
            "b_code": code,
            "b_value": value,
            "b_free": code in free_text_codes,
            "b_at": at,
        }
        for code, value in saved
    ]


async def save_answers(  # one response's, in a job of the caller's
    conn: AsyncConnection,
    response_id: int,
    saved: list[tuple[str, Any]],
    cleared: list[str],
    free_text_codes: frozenset[str],
) -> None:
    if saved:
        rows = _answer_params(response_id, saved, free_text_codes, utcnow())
        await conn.execute(ANSWER_UPSERTS[conn.dialect.name], rows)
    if cleared:
        await conn.execute(
            DELETE_ANSWER, [{"b_response": response_id, "b_code": c} for c in cleared]
        )


@dataclass(frozen=True, slots=True)
class SavedTurn:
    """What one turn of a response in progress changed: answers given and taken back, and
    the state to resume from."""

    response_id: int
    state: dict[str, Any]
    saved: list[tuple[str, Any]]
    cleared: list[str]
    free_text_codes: frozenset[str]


async def write_turns(conn: AsyncConnection, turns: list[SavedTurn]) -> None:
    at = utcnow()
    rows = [
        row
        for turn in turns
        for row in _answer_params(turn.response_id, turn.saved, turn.free_text_codes, at)
    ]
    if rows:
        await conn.execute(ANSWER_UPSERTS[conn.dialect.name], rows)
    taken_back = [
        {"b_response": turn.response_id, "b_code": code} for turn in turns for code in turn.cleared
    ]
    if taken_back:
        await conn.execute(DELETE_ANSWER, taken_back)
    await conn.execute(SAVE_STATE, [_state_params(t.response_id, t.state, at) for t in turns])


class AnswerWriter:
    """One write under way at a time, through `Database.write`. Two turns of one response
    must not be saved at once (a chat's updates are handled one at a time, so they never
    are)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[SavedTurn, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def save(self, turn: SavedTurn) -> None:
        """Returns once the turn is committed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((turn, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        await future

    async def _drain(self) -> None:
        while self._pending:
            # A caller cancelled while queued (shutdown) gets no write it cannot learn about.
            batch = [(turn, future) for turn, future in self._pending if not future.done()]
            self._pending = []
            try:
                await self._write(batch)
            except BaseException:  # cancelled at shutdown: nobody waits forever
                for _, future in [*batch, *self._pending]:
                    future.cancel()
                self._pending = []
                raise

    async def _write(self, batch: list[tuple[SavedTurn, asyncio.Future[None]]]) -> None:
        if not batch:
            return
        try:
            await self.db.write(partial(write_turns, turns=[turn for turn, _ in batch]))
        except Exception as exc:
            if len(batch) > 1:
                for single in batch:  # rolled back: write alone to find the failing turn
                    await self._write([single])
            elif not batch[0][1].done():
                batch[0][1].set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)
