"""What /forget erases beyond the person's own rows: text about him in other tables, and the
bytes SQLite would otherwise keep (the WAL file) until its next checkpoint.

Each aggregate's own erasure lives with it (people, consents, surveys, outbox); these are the
places where he is mentioned in rows that belong to others or to a pair.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from sqlalchemy import Select, String, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.schema import meetings, outbox, pair_mentees, pairs, plans

__all__ = ["checkpoint", "erase_pair_texts", "redact_mentions"]

log = logging.getLogger(__name__)


def _pairs_with(person_id: int) -> Select[tuple[int]]:
    """Ids of every pair the person is or was in, as the mentor or a mentee."""
    as_mentee = select(pair_mentees.c.pair_id).where(pair_mentees.c.mentee_id == person_id)
    return select(pairs.c.id).where((pairs.c.mentor_id == person_id) | pairs.c.id.in_(as_mentee))


async def erase_pair_texts(conn: AsyncConnection, person_id: int) -> None:
    """Free text typed about the person or by him in his pairs: his plans (what the mentor wrote,
    his and the curator's comments), the plans of the pairs he led, and the reasons typed when
    those pairs were dissolved or their meetings cancelled. Statuses, durations and dates stay
    for the counts; a group he leaves keeps the other mentees' plans."""
    his_pairs = _pairs_with(person_id)
    led = select(pairs.c.id).where(pairs.c.mentor_id == person_id)
    await conn.execute(
        update(plans)
        .where((plans.c.mentee_id == person_id) | plans.c.pair_id.in_(led))
        .values(
            goals=[], activities=[], expected_results="", mentee_comment=None, curator_comment=None
        )
    )
    await conn.execute(
        update(pairs)
        .where(pairs.c.id.in_(his_pairs), pairs.c.dissolve_reason.is_not(None))
        .values(dissolve_reason=None)
    )
    await conn.execute(
        update(meetings)
        .where(meetings.c.pair_id.in_(his_pairs), meetings.c.cancel_reason.is_not(None))
        .values(cancel_reason=None)
    )


def _spellings(needle: str) -> set[str]:
    # JSON columns hold text as written or \\u-escaped, depending on the serializer.
    return {needle, json.dumps(needle)[1:-1]}


async def redact_mentions(
    conn: AsyncConnection, needles: Iterable[str], *, except_person_id: int
) -> int:
    """Messages to other people that name him (a plan for review, a meeting confirmed by him,
    a digest): the text goes, and those not sent yet are not sent. Returns the rows redacted."""
    patterns = {s for n in needles if n for s in _spellings(n)}
    if not patterns:
        return 0
    text = cast(outbox.c.payload, String)
    mentions = or_(*(text.contains(p, autoescape=True) for p in sorted(patterns)))
    where = (outbox.c.person_id != except_person_id) & mentions
    await conn.execute(
        update(outbox)
        .where(where, outbox.c.status == "pending")
        .values(status="cancelled", lease_until=None)
    )
    result = await conn.execute(update(outbox).where(where).values(payload={}))
    return int(result.rowcount)


async def checkpoint(db: Database) -> None:
    """Copy the WAL into the database file and empty it, so that erased values do not linger
    there; with secure_delete on (storage/db.py) the freed space in the file is zeroed."""
    if db.engine.dialect.name != "sqlite":
        return
    async with db.engine.connect() as conn:
        result = await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = result.one()[0]
    if busy:  # a reader held an old snapshot; the next checkpoint finishes the job
        log.warning("erasure.checkpoint_busy")
