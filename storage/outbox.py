"""The notifications outbox: planners enqueue rows, one dispatcher claims and sends them.

Life of a row: pending → sending (claimed, with a lease) → sent | pending again (retry,
RetryAfter, quiet hours) | failed | cancelled. A row whose lease expired while `sending`
(the sender crashed mid-send) is claimed again, so nothing is lost; the price is at most
one duplicate for a send that Telegram accepted just before the crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import outbox, people
from storage.types import utcnow

__all__ = [
    "STATUSES",
    "OutboxRow",
    "cancel_pending_for_person",
    "claim_due",
    "counts_by_status",
    "delivered_with_prefix",
    "enqueue",
    "erase_for_person",
    "get",
    "mark_cancelled",
    "mark_failed",
    "mark_person_blocked",
    "mark_retry",
    "mark_sent",
    "pending_for_person",
    "record_parts_sent",
    "release",
    "reschedule",
]

STATUSES = ("pending", "sending", "sent", "failed", "cancelled")
ERROR_LENGTH = 300


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    person_id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    dedupe_key: str
    status: str
    attempts: int
    last_error: str | None
    lease_until: datetime | None
    sent_at: datetime | None
    created_at: datetime
    message_id: int | None = None  # once sent: Telegram's id of the last part


def _row(row: RowMapping) -> OutboxRow:
    return OutboxRow(**{name: row[name] for name in OutboxRow.__slots__})  # type: ignore[attr-defined]


def _error(text: str | None) -> str | None:
    return text[:ERROR_LENGTH] if text is not None else None


async def enqueue(
    conn: AsyncConnection,
    *,
    person_id: int,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime,
    dedupe_key: str,
) -> bool:
    """Add a row; False (and nothing changes) when the dedupe key is there already.

    Planners may therefore run as often as they like: the key, not the planner, decides
    that a reminder exists once.
    """
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    result = await conn.execute(
        insert_(outbox)
        .values(
            person_id=person_id,
            chat_id=chat_id,
            kind=kind,
            payload=payload,
            due_at=due_at,
            dedupe_key=dedupe_key,
            status="pending",
            attempts=0,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    return result.rowcount == 1


async def claim_due(
    conn: AsyncConnection, now: datetime, limit: int, lease_seconds: float
) -> list[OutboxRow]:
    """Move up to `limit` due rows to `sending` with a lease; they are the caller's to send.

    Takes back `sending` rows whose lease expired first (a sender died mid-send; that
    counts as an attempt, which bounds a message that crashes the sender every time), then
    due pending rows, at most one per chat per claim so that one chat's backlog (1 msg/s
    per chat) cannot hold up everybody else's messages.

    Each step is one UPDATE ... WHERE id IN (candidates) AND <still claimable> RETURNING,
    so two senders running at once never get the same row: on SQLite the statement holds
    the write lock, on PostgreSQL the repeated condition is re-checked on the locked row.
    Call it first in its own transaction (SQLite cannot upgrade a stale read snapshot).
    """
    lease_until = now + timedelta(seconds=lease_seconds)
    expired = and_(outbox.c.status == "sending", outbox.c.lease_until <= now)
    stale = (
        select(outbox.c.id)
        .where(expired)
        .order_by(outbox.c.lease_until, outbox.c.id)
        .limit(limit)
        .scalar_subquery()
    )
    reclaimed = await conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(stale), expired)
        .values(lease_until=lease_until, attempts=outbox.c.attempts + 1)
        .returning(*outbox.c)
    )
    rows = [_row(row) for row in reclaimed.mappings()]
    if len(rows) < limit:
        rows += await _claim_pending(conn, now, limit - len(rows), lease_until)
    return sorted(rows, key=lambda row: (row.due_at, row.id))


async def _claim_pending(
    conn: AsyncConnection, now: datetime, limit: int, lease_until: datetime
) -> list[OutboxRow]:
    due = and_(outbox.c.status == "pending", outbox.c.due_at <= now)
    # The window runs over a bounded head of the queue (by the status/due_at index), so a
    # claim costs the same with a million due rows as with a hundred.
    head = (
        select(outbox.c.id, outbox.c.chat_id, outbox.c.due_at)
        .where(due)
        .order_by(outbox.c.due_at, outbox.c.id)
        .limit(limit * 4)
        .subquery()
    )
    rank_in_chat = func.row_number().over(
        partition_by=head.c.chat_id, order_by=(head.c.due_at, head.c.id)
    )
    ranked = select(head.c.id, head.c.due_at, rank_in_chat.label("rank")).subquery()
    first_per_chat = (
        select(ranked.c.id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.due_at, ranked.c.id)
        .limit(limit)
        .scalar_subquery()
    )
    claimed = await conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(first_per_chat), due)
        .values(status="sending", lease_until=lease_until)
        .returning(*outbox.c)
    )
    return [_row(row) for row in claimed.mappings()]


async def mark_sent(
    conn: AsyncConnection, row_id: int, sent_at: datetime, message_id: int | None = None
) -> None:
    """`message_id`: Telegram's id of the last part (the one with the buttons), kept so that
    the message can be edited later (an invitation whose meeting was settled elsewhere)."""
    # Unconditional: Telegram has the message, whatever another sender did meanwhile.
    await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id)
        # The rendered text may name people; once delivered it is not kept.
        .values(status="sent", sent_at=sent_at, lease_until=None, payload={}, message_id=message_id)
    )


async def record_parts_sent(
    conn: AsyncConnection, row_id: int, payload: dict[str, Any], parts_sent: int
) -> bool:
    """A long text goes out as several messages: how many Telegram has, so that a row taken
    back after a crash goes on from the next part instead of repeating them all."""
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status == "sending")
        .values(payload={**payload, "parts_sent": parts_sent})
    )
    return result.rowcount == 1


async def mark_retry(conn: AsyncConnection, row_id: int, next_due_at: datetime, error: str) -> bool:
    """A failed attempt: back to pending at `next_due_at`, attempts + 1."""
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status == "sending")
        .values(
            status="pending",
            due_at=next_due_at,
            attempts=outbox.c.attempts + 1,
            last_error=_error(error),
            lease_until=None,
        )
    )
    return result.rowcount == 1


async def mark_failed(conn: AsyncConnection, row_id: int, error: str) -> bool:
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status == "sending")
        .values(
            status="failed",
            attempts=outbox.c.attempts + 1,
            last_error=_error(error),
            lease_until=None,
        )
    )
    return result.rowcount == 1


async def mark_cancelled(conn: AsyncConnection, row_id: int, error: str | None = None) -> bool:
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status.in_(("pending", "sending")))
        .values(status="cancelled", last_error=_error(error), lease_until=None)
    )
    return result.rowcount == 1


async def reschedule(conn: AsyncConnection, row_id: int, due_at: datetime) -> bool:
    """Move a row that is not yet sent to `due_at` without counting an attempt.

    For planners (a meeting moved) and for the dispatcher (Telegram's RetryAfter, quiet
    hours). A row being sent right now becomes pending; if that send succeeds, mark_sent
    wins, and if it fails, the row simply waits for `due_at`.
    """
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status.in_(("pending", "sending")))
        .values(status="pending", due_at=due_at, lease_until=None)
    )
    return result.rowcount == 1


async def release(conn: AsyncConnection, row_ids: list[int]) -> int:
    """Give claimed rows back untried (same due time, no attempt counted)."""
    if not row_ids:
        return 0
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(row_ids), outbox.c.status == "sending")
        .values(status="pending", lease_until=None)
    )
    return result.rowcount


async def cancel_pending_for_person(conn: AsyncConnection, person_id: int) -> int:
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.person_id == person_id, outbox.c.status == "pending")
        .values(status="cancelled", lease_until=None)
    )
    return result.rowcount


async def erase_for_person(conn: AsyncConnection, person_id: int) -> None:
    """Part of /forget: nothing more is sent to him; neither his chat id nor texts to him stay."""
    await cancel_pending_for_person(conn, person_id)
    await conn.execute(
        update(outbox)
        .where(outbox.c.person_id == person_id)
        .values(payload={}, chat_id=0, message_id=None)
    )


async def mark_person_blocked(conn: AsyncConnection, person_id: int) -> int:
    """The person blocked the bot (or deleted the account): inactive, nothing more queued.

    Lives here rather than in people.py because it is the outbox's reaction to a 403;
    a person who was forgotten (/forget) stays forgotten. Returns the rows cancelled.
    """
    await conn.execute(
        update(people)
        .where(people.c.id == person_id, people.c.status != "forgotten")
        .values(status="inactive", updated_at=utcnow())
    )
    return await cancel_pending_for_person(conn, person_id)


async def get(conn: AsyncConnection, row_id: int) -> OutboxRow | None:
    row = (await conn.execute(select(outbox).where(outbox.c.id == row_id))).mappings().first()
    return _row(row) if row else None


async def pending_for_person(conn: AsyncConnection, person_id: int) -> list[OutboxRow]:
    query = (
        select(outbox)
        .where(outbox.c.person_id == person_id, outbox.c.status == "pending")
        .order_by(outbox.c.due_at, outbox.c.id)
    )
    return [_row(row) for row in (await conn.execute(query)).mappings()]


async def delivered_with_prefix(conn: AsyncConnection, prefix: str) -> list[OutboxRow]:
    """Sent rows whose dedupe key starts with `prefix` and whose message can still be found
    (its id known, the chat not erased by /forget), oldest first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        select(outbox)
        .where(
            outbox.c.dedupe_key.like(f"{escaped}%", escape="\\"),
            outbox.c.status == "sent",
            outbox.c.message_id.is_not(None),
            outbox.c.chat_id != 0,
        )
        .order_by(outbox.c.id)
    )
    return [_row(row) for row in (await conn.execute(query)).mappings()]


async def counts_by_status(conn: AsyncConnection) -> dict[str, int]:
    """Rows per status, every status present (0 when none)."""
    query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in (await conn.execute(query)).all():
        counts[status] = int(count)
    return counts
