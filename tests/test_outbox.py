"""The outbox table: idempotent enqueue, safe claims, and the row transitions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage import outbox, people
from storage.db import Database
from tests.outbox_cases import T0, claim, counts, new_person, put, row


async def test_enqueue_twice_with_one_key_keeps_one_row(db: Database) -> None:
    anna = await new_person(db, 101)
    assert await put(db, anna, 101, "meeting:1:24h") is True
    assert await put(db, anna, 101, "meeting:1:24h", due_at=T0 + timedelta(hours=5)) is False
    async with db.connect() as conn:
        pending = await outbox.pending_for_person(conn, anna)
    assert [(r.dedupe_key, r.due_at, r.status, r.attempts) for r in pending] == [
        ("meeting:1:24h", T0, "pending", 0)
    ]
    assert pending[0].payload == {"text": "Напоминание meeting:1:24h"}


async def test_claim_takes_due_rows_in_due_order_and_leases_them(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 201, "later", due_at=T0 + timedelta(minutes=1))
    await put(db, anna, 202, "second", due_at=T0 - timedelta(minutes=1))
    await put(db, anna, 203, "first", due_at=T0 - timedelta(minutes=2))
    claimed = await claim(db, T0, lease=30)
    assert [(await row(db, i)).dedupe_key for i in claimed] == ["first", "second"]
    first = await row(db, claimed[0])
    assert (first.status, first.lease_until) == ("sending", T0 + timedelta(seconds=30))
    assert await claim(db, T0 + timedelta(seconds=29)) == []  # leased, "later" not due
    # A minute on, "later" is due and the two leases have run out.
    assert sorted(await claim(db, T0 + timedelta(minutes=1))) == [1, 2, 3]


async def test_an_expired_lease_is_claimed_again_as_an_attempt(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "k")
    [row_id] = await claim(db, T0, lease=60)
    # The sender that claimed it died; nobody marked the row.
    assert await claim(db, T0 + timedelta(seconds=59)) == []
    assert await claim(db, T0 + timedelta(seconds=60)) == [row_id]
    again = await row(db, row_id)
    assert (again.status, again.attempts) == ("sending", 1)


async def test_one_row_per_chat_per_claim(db: Database) -> None:
    anna = await new_person(db, 101)
    boris = await new_person(db, 102)
    for n in range(3):
        await put(db, anna, 101, f"anna:{n}", due_at=T0 - timedelta(minutes=3 - n))
    await put(db, boris, 102, "boris:0", due_at=T0)
    first = [(await row(db, i)).dedupe_key for i in await claim(db, T0)]
    second = [(await row(db, i)).dedupe_key for i in await claim(db, T0)]
    assert first == ["anna:0", "boris:0"]
    assert second == ["anna:1"]


async def test_concurrent_claimers_never_share_a_row(db: Database, db_url: str) -> None:
    person = await new_person(db, 101)
    async with db.begin() as conn:
        for n in range(300):
            await outbox.enqueue(
                conn,
                person_id=person,
                chat_id=10_000 + n,
                kind="digest_curator",
                payload={"text": "x"},
                due_at=T0,
                dedupe_key=f"k{n}",
            )
    # Four engines: four dispatcher processes, each with its own connections, each
    # claiming until nothing is left. On SQLite a claim holds the write lock; on
    # PostgreSQL a claimer that lost a race gets fewer rows and simply claims again.
    others = [Database(db_url) for _ in range(3)]

    async def drain(database: Database) -> list[int]:
        taken: list[int] = []
        while batch := await claim(database, T0, limit=40):
            taken += batch
        return taken

    try:
        batches = await asyncio.gather(
            *(drain(database) for database in [db, *others] for _ in range(3))
        )
    finally:
        for database in others:
            await database.close()
    claimed = [row_id for batch in batches for row_id in batch]
    assert len(claimed) == len(set(claimed)) == 300


async def test_sent_rows_are_never_claimed_again(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "k")
    [row_id] = await claim(db, T0, lease=1)
    async with db.begin() as conn:
        await outbox.mark_sent(conn, row_id, T0)
        assert await outbox.reschedule(conn, row_id, T0) is False
        assert await outbox.mark_retry(conn, row_id, T0, "late") is False
    assert await claim(db, T0 + timedelta(days=1)) == []
    sent = await row(db, row_id)
    assert (sent.status, sent.sent_at, sent.lease_until) == ("sent", T0, None)


async def test_retry_failed_and_cancel_transitions(db: Database) -> None:
    anna = await new_person(db, 101)
    for key in ("retry", "fail", "cancel"):
        await put(db, anna, hash(key) % 1000, key)
    ids = dict(zip(["retry", "fail", "cancel"], await claim(db, T0), strict=True))
    async with db.begin() as conn:
        await outbox.mark_retry(conn, ids["retry"], T0 + timedelta(seconds=4), "E: boom")
        await outbox.mark_failed(conn, ids["fail"], "TelegramBadRequest: chat not found")
        await outbox.mark_cancelled(conn, ids["cancel"], "TelegramForbiddenError")
    retry, fail, cancel = [await row(db, ids[key]) for key in ("retry", "fail", "cancel")]
    assert (retry.status, retry.attempts, retry.due_at) == ("pending", 1, T0 + timedelta(seconds=4))
    assert retry.lease_until is None and retry.last_error == "E: boom"
    assert (fail.status, fail.attempts, fail.last_error) == (
        "failed",
        1,
        "TelegramBadRequest: chat not found",
    )
    assert cancel.status == "cancelled"
    assert await counts(db) == {"pending": 1, "sending": 0, "sent": 0, "failed": 1, "cancelled": 1}


async def test_cancel_pending_for_person_leaves_others_and_sent_rows(db: Database) -> None:
    anna = await new_person(db, 101)
    boris = await new_person(db, 102)
    await put(db, anna, 101, "anna:sent", due_at=T0 - timedelta(hours=1))
    [sent_id] = await claim(db, T0)
    async with db.begin() as conn:
        await outbox.mark_sent(conn, sent_id, T0)
    await put(db, anna, 101, "anna:1", due_at=T0 + timedelta(hours=1))
    await put(db, anna, 101, "anna:2", due_at=T0 + timedelta(hours=2))
    await put(db, boris, 102, "boris:1", due_at=T0 + timedelta(hours=1))
    async with db.begin() as conn:
        assert await outbox.cancel_pending_for_person(conn, anna) == 2
        assert await outbox.pending_for_person(conn, anna) == []
        assert [r.dedupe_key for r in await outbox.pending_for_person(conn, boris)] == ["boris:1"]
    assert (await row(db, sent_id)).status == "sent"


async def test_mark_person_blocked_makes_him_inactive_but_keeps_forgotten(db: Database) -> None:
    anna = await new_person(db, 101)
    gone = await new_person(db, 102, status="forgotten")
    await put(db, anna, 101, "anna:1", due_at=T0 + timedelta(hours=1))
    async with db.begin() as conn:
        assert await outbox.mark_person_blocked(conn, anna) == 1
        await outbox.mark_person_blocked(conn, gone)
        assert (await people.get(conn, anna)).status == "inactive"
        assert (await people.get(conn, gone)).status == "forgotten"
