"""The database handle: an async SQLAlchemy engine with SQLite tuned for a bot.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the bot, the
scheduler and the web app can share one file from one event loop without "database is
locked" errors.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.group_commit import GroupCommit, WriteJob

__all__ = ["Database", "sqlite_path"]

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def _tune_sqlite(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten values are zeroed, not left in free space: /forget means gone.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _owner_only(path: Path) -> None:
    """Personal data: the directory (when made here) and the file are the owner's alone.
    SQLite gives its -wal and -shm files the mode of the database file."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDONLY, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:  # made by an older version: tighten it
                file.chmod(0o600)


class Database:
    """Owns the engine; `begin()` is a transaction, `connect()` a read connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = sqlite_path(url)
        if path is not None:
            _owner_only(path)
        self.engine: AsyncEngine = create_async_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
        self._group_commit = GroupCommit(self.engine)

    @property
    def shared(self) -> bool:
        """Several processes may use this database at once (PostgreSQL with replicas), so
        nothing read from it may be kept in memory past the request: another process can
        change it. A SQLite file belongs to one process (DESIGN §2), whose caches are right."""
        return self.engine.dialect.name != "sqlite"

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            yield conn

    async def write(self, job: WriteJob[T]) -> T:
        """Run `job` in a transaction shared with concurrent writes; returns once committed."""
        return await self._group_commit.write(job)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    async def ping(self) -> None:
        """Open a connection and run a trivial query; raises when the database is unusable."""
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()
