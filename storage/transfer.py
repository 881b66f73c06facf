"""Moving an installation: an online SQLite backup, and a copy into another database.

`backup_sqlite` uses SQLite's backup API, so the bot may keep writing while it runs and the
copy is one consistent moment. `copy_database` reads every table of the source in one
read transaction (one snapshot, so a running SQLite installation can be copied), writes
them into an empty target at the same migration, moves PostgreSQL's sequences past the
copied ids, and then verifies each table: row count and a checksum of its rows read back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database, sqlite_path
from storage.migrate import VERSION_TABLE
from storage.schema import metadata
from storage.sequences import advance_sequences

__all__ = [
    "BATCH",
    "CopyError",
    "Digest",
    "TableCopy",
    "backup_sqlite",
    "copy_database",
    "table_digest",
]

BATCH = 2_000  # rows per INSERT: well under PostgreSQL's 32,767 bound parameters


class CopyError(Exception):
    """The copy cannot start or did not verify; the message says what to do."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    name: str
    rows: int
    checksum: str  # sha256 of the rows in primary-key order, the same on both sides
    verified: bool


def backup_sqlite(database_url: str, target: Path, pages_per_step: int = 1024) -> int:
    """Copy the SQLite database behind `database_url` into `target` while it is in use;
    returns the size of the backup in bytes. `target` must not exist yet."""
    source = sqlite_path(database_url)
    if source is None:
        raise CopyError("backup is for SQLite; for PostgreSQL use pg_dump (see README)")
    if not source.exists():
        raise CopyError(f"no database file at {source}")
    if target.exists():
        raise CopyError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        dst = sqlite3.connect(target)
        try:
            # Pages are copied in steps; a write by the bot in between restarts the copy
            # from the changed page on, so the result is always one consistent moment.
            src.backup(dst, pages=pages_per_step)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    target.chmod(0o600)  # personal data, as the live database
    return target.stat().st_size


def _canonical(value: Any) -> Any:
    """One spelling of a value whatever the engine returned it as."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _ordered(table: Table) -> Any:
    keys = list(table.primary_key.columns) or list(table.columns)
    return select(table).order_by(*keys)


async def _batches(conn: AsyncConnection, table: Table) -> AsyncIterator[list[dict[str, Any]]]:
    """The table in primary-key order, BATCH rows at a time (a region's answers are millions
    of rows: never all in memory)."""
    result = await conn.stream(_ordered(table))
    async for partition in result.partitions(BATCH):
        yield [dict(row._mapping) for row in partition]


class Digest:
    """Count and sha256 of rows fed in primary-key order, the same whatever the engine."""

    def __init__(self) -> None:
        self.count = 0
        self._sha = hashlib.sha256()

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.count += 1
            line = json.dumps(
                [[key, _canonical(row[key])] for key in sorted(row)],
                ensure_ascii=False,
                default=str,
            )
            self._sha.update(line.encode())
            self._sha.update(b"\n")

    @property
    def value(self) -> tuple[int, str]:
        return self.count, self._sha.hexdigest()


def table_digest(rows: Iterable[dict[str, Any]]) -> tuple[int, str]:
    """(count, sha256) of rows given in primary-key order."""
    digest = Digest()
    digest.add(rows)
    return digest.value


async def _revision(conn: AsyncConnection) -> str | None:
    if not await conn.run_sync(lambda sync: inspect(sync).has_table(VERSION_TABLE)):
        return None  # an empty database, or not ours
    result = await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return result.scalar_one_or_none()


async def _target_is_empty(conn: AsyncConnection, tables: Sequence[Table]) -> list[str]:
    busy = []
    for table in tables:
        if (await conn.execute(select(func.count()).select_from(table))).scalar_one():
            busy.append(table.name)
    return busy


async def copy_database(
    source: Database,
    target: Database,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> list[TableCopy]:
    """Copy every table of `source` into the empty, migrated `target`; raises CopyError
    when the target is not empty or at another migration, or when a table does not verify."""
    tables = list(metadata.sorted_tables)  # parents before children: foreign keys hold
    async with source.connect() as src, target.begin() as dst:
        source_revision, target_revision = await _revision(src), await _revision(dst)
        if source_revision != target_revision:
            raise CopyError(
                f"the source is at migration {source_revision}, the target at "
                f"{target_revision}; run `mentorbot db upgrade` on both first"
            )
        busy = await _target_is_empty(dst, tables)
        if busy:
            raise CopyError(
                f"the target is not empty ({', '.join(busy[:5])}…); use an empty database"
            )
        expected: dict[str, tuple[int, str]] = {}
        for table in tables:
            digest = Digest()
            async for rows in _batches(src, table):  # one read transaction: one snapshot
                digest.add(rows)
                await dst.execute(insert(table), rows)
            expected[table.name] = digest.value
            if progress is not None:
                progress(table.name, digest.count)
        await advance_sequences(dst, tables)
    copies = []
    async with target.connect() as dst:
        for table in tables:
            digest = Digest()
            async for rows in _batches(dst, table):
                digest.add(rows)
            count, checksum = digest.value
            copies.append(
                TableCopy(table.name, count, checksum, (count, checksum) == expected[table.name])
            )
    return copies
