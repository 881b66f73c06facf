"""Which process runs the scheduler: one at a time, elected through the database.

On PostgreSQL every replica tries a session-level advisory lock on a connection of its
own; the one that holds it is the leader. The lock lives exactly as long as that
connection: a leader that dies (even by SIGKILL) closes it, PostgreSQL releases the lock
at once, and the next replica to try takes over. On SQLite one process owns the
database (DESIGN §2), so it is always the leader.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["LEADER_LOCK", "AdvisoryLock", "Election", "SoleProcess", "election_for"]

log = logging.getLogger(__name__)

LEADER_LOCK = 0x6D656E746F72  # "mentor": the advisory lock key of the scheduler's leader


class Election(Protocol):
    async def try_acquire(self) -> bool:
        """Become the leader if nobody is; True when this process is the leader now."""

    async def held(self) -> bool:
        """Whether this process is still the leader (its lock's connection is alive)."""

    async def release(self) -> None: ...


class SoleProcess:
    """SQLite: the only process is the leader."""

    async def try_acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLock:
    """PostgreSQL: `pg_try_advisory_lock` on a connection kept for it (autocommit, so it
    holds no transaction open)."""

    def __init__(self, engine: AsyncEngine, key: int = LEADER_LOCK) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            return await self.held()
        try:
            conn = await self.engine.connect()
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            got = (
                await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            ).scalar_one()
        except (SQLAlchemyError, OSError) as exc:
            log.warning("leader.try_failed error=%s", exc.__class__.__name__)
            return False
        if got:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            # Still ours: the lock is listed for this very session.
            mine = (
                await self._conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND pid = pg_backend_pid()"
                        " AND ((classid::bigint << 32) | objid::bigint) = :key"
                    ),
                    {"key": self.key},
                )
            ).scalar_one()
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            log.warning("leader.connection_lost error=%s", exc.__class__.__name__)
            await self._drop()
            return False
        if not mine:
            await self._drop()
        return bool(mine)

    async def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(SQLAlchemyError, OSError):  # closing releases it anyway
            await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except (SQLAlchemyError, OSError):
                await conn.invalidate()


def election_for(engine: AsyncEngine) -> Election:
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else SoleProcess()
