"""One leader among replicas: a PostgreSQL advisory lock, lost with its connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from scheduler.leader import LeaderLoop
from storage.db import Database
from storage.leadership import AdvisoryLock, SoleProcess, election_for
from tests.pg import PgTemplate


async def _kill_sessions_of(db: Database, other: Database) -> None:
    """What a SIGKILL of the leader does to its connections, seen from the server."""
    async with other.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
            )
        )
    await db.engine.dispose()


async def _until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {timeout:.0f} s")


async def test_one_leader_and_a_takeover_when_its_connection_dies(postgres: PgTemplate) -> None:
    url = postgres.fresh_database()
    first, second, observer = Database(url), Database(url), Database(url)
    a, b = AdvisoryLock(first.engine), AdvisoryLock(second.engine)
    try:
        assert await a.try_acquire()
        assert not await b.try_acquire()
        assert await a.try_acquire()  # asking again keeps it
        assert await a.held()
        await _kill_sessions_of(first, observer)
        assert not await a.held()
        assert await b.try_acquire()
        assert not await a.try_acquire()
        await b.release()
        assert await a.try_acquire()
        await a.release()
    finally:
        for db in (first, second, observer):
            await db.close()


async def test_sqlite_is_its_own_leader(db: Database) -> None:
    election = election_for(db.engine)
    if db.engine.dialect.name == "sqlite":
        assert isinstance(election, SoleProcess)
        assert await election.try_acquire() and await election.held()
    else:
        assert isinstance(election, AdvisoryLock)


async def test_only_the_leader_runs_the_jobs(postgres: PgTemplate) -> None:
    url = postgres.fresh_database()
    replicas = [Database(url) for _ in range(2)]
    observer = Database(url)
    runs = {0: 0, 1: 0}
    loops = []
    for n, db in enumerate(replicas):
        scheduler = AsyncIOScheduler(timezone="UTC")

        def job(n: int = n) -> None:
            runs[n] += 1

        scheduler.add_job(job, "interval", seconds=0.05, id="work")
        scheduler.start(paused=True)
        loops.append(LeaderLoop(AdvisoryLock(db.engine), scheduler, interval=0.05))
    try:
        assert [await loop.step() for loop in loops] == [True, False]
        await _until(lambda: runs[0] >= 3)
        assert runs[1] == 0
        # The leader dies: its connection goes, the other replica takes over.
        loops[0].scheduler.shutdown(wait=False)
        await _kill_sessions_of(replicas[0], observer)
        loops[1].start()
        await asyncio.wait_for(loops[1].wait_changed(), timeout=10)
        assert loops[1].leading
        await _until(lambda: runs[1] >= 3)
        assert not await loops[0].election.held()
    finally:
        await loops[0].election.release()
        await loops[1].stop()
        loops[1].scheduler.shutdown(wait=False)
        for db in (*replicas, observer):
            await db.close()
