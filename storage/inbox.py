"""The inbox of incoming updates (входящие): taken in durably before Telegram is told.

Life of a row: new (taken in, not yet handled) → done (handled, or given up after a crash
because its reply had already left; the update's JSON is erased, only the id stays so that
a redelivery is recognised). Done rows are pruned after a day. bot/inbox.py moves them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import inbox

__all__ = [
    "InboxRow",
    "Incoming",
    "forget_user",
    "mark_done",
    "prune",
    "take_in",
    "unfinished",
    "unfinished_count",
]


@dataclass(frozen=True, slots=True)
class Incoming:
    update_id: int
    chat_id: int | None  # whose turn it waits for: one chat's updates are handled in order
    user_id: int | None  # who sent it, for /forget
    raw: str  # the Update as JSON


@dataclass(frozen=True, slots=True)
class InboxRow:
    update_id: int
    chat_id: int | None
    user_id: int | None
    raw: str | None  # None once erased


async def take_in(
    conn: AsyncConnection, items: Sequence[Incoming], now: datetime, taken_by: str | None = None
) -> set[int]:
    """Store a batch; returns the ids that were new (a redelivered update is skipped)."""
    if not items:
        return set()
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    result = await conn.execute(
        insert_(inbox)
        .values(
            [
                {
                    "update_id": item.update_id,
                    "chat_id": item.chat_id,
                    "user_id": item.user_id,
                    "raw": item.raw,
                    "state": "new",
                    "received_at": now,
                    "taken_by": taken_by,
                }
                for item in items
            ]
        )
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(inbox.c.update_id)
    )
    return set(result.scalars())


async def unfinished(conn: AsyncConnection) -> list[InboxRow]:
    """Rows not yet done, oldest first: what a restart has to deal with."""
    rows = await conn.execute(
        select(inbox.c.update_id, inbox.c.chat_id, inbox.c.user_id, inbox.c.raw)
        .where(inbox.c.state == "new")
        .order_by(inbox.c.update_id)
    )
    return [InboxRow(r.update_id, r.chat_id, r.user_id, r.raw) for r in rows]


async def claim_orphans(
    conn: AsyncConnection, received_before: datetime, now: datetime, taken_by: str
) -> list[InboxRow]:
    """Replicas on one database: rows still new that `taken_by` took in before (it is
    restarting), or that anyone took in before `received_before` (their replica died)
    become `taken_by`'s, oldest first. The UPDATE moves them to `now`, so two replicas
    never take the same orphan."""
    result = await conn.execute(
        update(inbox)
        .where(
            inbox.c.state == "new",
            or_(inbox.c.received_at < received_before, inbox.c.taken_by == taken_by),
        )
        .values(received_at=now, taken_by=taken_by)
        .returning(inbox.c.update_id, inbox.c.chat_id, inbox.c.user_id, inbox.c.raw)
    )
    rows = [InboxRow(r.update_id, r.chat_id, r.user_id, r.raw) for r in result]
    return sorted(rows, key=lambda row: row.update_id)


async def unfinished_count(conn: AsyncConnection) -> int:
    query = select(func.count()).select_from(inbox).where(inbox.c.state == "new")
    return int((await conn.execute(query)).scalar_one())


async def mark_done(conn: AsyncConnection, update_ids: Sequence[int]) -> None:
    """Handled: the JSON (which holds what people wrote) goes, the id stays for a day."""
    await conn.execute(
        update(inbox)
        .where(inbox.c.update_id.in_(list(update_ids)))
        .values(state="done", raw=None, chat_id=None, user_id=None)
    )


async def prune(conn: AsyncConnection, received_before: datetime) -> int:
    """Forget done rows taken in before the given time; returns how many went.

    A day is enough: an update is acknowledged seconds after it is taken in, so Telegram
    redelivers only what arrived just before a crash, and keeps nothing beyond 24 hours.
    """
    result = await conn.execute(
        delete(inbox).where(inbox.c.state == "done", inbox.c.received_at < received_before)
    )
    return int(result.rowcount or 0)


async def forget_user(conn: AsyncConnection, user_id: int) -> None:
    """Part of /forget: none of his updates keeps its text or his id, handled or not.

    Updates of his still waiting are handled all the same from memory; only if the bot
    died before that would they be skipped (`raw` is gone), which /forget accepts.
    """
    await conn.execute(
        update(inbox).where(inbox.c.user_id == user_id).values(raw=None, chat_id=None, user_id=None)
    )
