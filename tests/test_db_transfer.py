"""`mentorbot db backup` and `db copy`: a running SQLite installation moved whole."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select

from bot.cli.base import cli
from mentoring.demo.seed import DemoSize, write_demo
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import metadata, organisations, people
from storage.transfer import CopyError, backup_sqlite, copy_database
from tests.pg import PgTemplate

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def _demo(path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    await write_demo(db, DemoSize(orgs=3, people=150, seed=5), force=False, now=NOW)
    return db


async def _counts(db: Database) -> dict[str, int]:
    async with db.connect() as conn:
        return {
            t.name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
            for t in metadata.sorted_tables
        }


async def test_backup_is_consistent_while_the_bot_writes(tmp_path: Path) -> None:
    db = await _demo(tmp_path / "live.db")
    stop = asyncio.Event()

    async def keep_writing() -> int:
        n = 0
        while not stop.is_set():
            async with db.begin() as conn:
                await conn.execute(
                    insert(organisations).values(
                        name=f"Школа {n}", kind="school", timezone="Europe/Moscow", created_at=NOW
                    )
                )
            n += 1
            await asyncio.sleep(0)
        return n

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    target = tmp_path / "backups" / "copy.db"
    size = await asyncio.to_thread(backup_sqlite, db.url, target, 1)  # a page per step
    stop.set()
    written = await writer
    assert written > 0 and size == target.stat().st_size
    assert target.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        copied_people = copy.execute("SELECT count(*) FROM people").fetchone()[0]
    assert copied_people == (await _counts(db))["people"]
    with pytest.raises(CopyError, match="already exists"):
        backup_sqlite(db.url, target)
    await db.close()


def test_backup_refuses_postgresql_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CopyError, match="pg_dump"):
        backup_sqlite("postgresql+asyncpg://u@localhost/db", tmp_path / "x.db")
    with pytest.raises(CopyError, match="no database file"):
        backup_sqlite(f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", tmp_path / "x.db")


async def _copy_and_check(source: Database, target_url: str) -> None:
    target = Database(target_url)
    await upgrade(target)
    copies = await copy_database(source, target)
    assert all(c.verified for c in copies), [c for c in copies if not c.verified]
    assert {c.name: c.rows for c in copies} == await _counts(source)
    assert sum(c.rows for c in copies) > 1_000
    # The target hands out new ids past the copied ones.
    async with target.begin() as conn:
        top = (await conn.execute(select(func.max(people.c.id)))).scalar_one()
        new_id = (
            await conn.execute(
                insert(people)
                .values(full_name="Новый Человек", status="active", created_at=NOW, updated_at=NOW)
                .returning(people.c.id)
            )
        ).scalar_one()
    assert new_id > top
    with pytest.raises(CopyError, match="not empty"):
        await copy_database(source, target)
    await target.close()


async def test_copy_into_sqlite_verifies_every_table(tmp_path: Path) -> None:
    source = await _demo(tmp_path / "live.db")
    await _copy_and_check(source, f"sqlite+aiosqlite:///{tmp_path / 'target.db'}")
    await source.close()


async def test_copy_into_postgresql_verifies_every_table(
    tmp_path: Path, postgres: PgTemplate
) -> None:
    source = await _demo(tmp_path / "live.db")
    await _copy_and_check(source, postgres.empty_database())
    await source.close()


async def test_copy_refuses_a_target_at_another_migration(tmp_path: Path) -> None:
    source = await _demo(tmp_path / "live.db")
    target = Database(f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}")
    with pytest.raises(CopyError, match="db upgrade"):
        await copy_database(source, target)
    await target.close()
    await source.close()


def test_cli_backup_and_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres: PgTemplate
) -> None:
    asyncio.run(_seed(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "backup", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output
    url = postgres.empty_database()
    result = runner.invoke(cli, ["db", "copy", "--to", url])
    assert result.exit_code == 0, result.output
    assert "every table verified" in result.output
    assert f"DATABASE_URL={url}" in result.output
    again = runner.invoke(cli, ["db", "copy", "--to", url])
    assert again.exit_code == 2 and "not empty" in again.output
    bad = runner.invoke(cli, ["db", "copy", "--to", "nonsense"])
    assert bad.exit_code == 2 and "not a database URL" in bad.output


async def _seed(tmp_path: Path) -> None:
    db = await _demo(tmp_path / "live.db")
    await db.close()
