"""The migrations build exactly the schema that storage/schema.py describes."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import MIGRATIONS_DIR, upgrade
from storage.schema import metadata
from tests.pg import empty_database_url


@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
async def test_migrated_database_matches_schema(db: Database) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_the_expression_index_exists_as_declared(db: Database) -> None:
    """Alembic cannot compare expression indexes on SQLite (it warns and skips them), so the
    one the young-specialist count relies on is checked here, with the query plan using it."""
    if db.engine.dialect.name != "sqlite":
        return await _the_expression_index_on_postgresql(db)
    async with db.connect() as conn:
        found = (
            await conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_answers_question_value'"
            )
        ).scalar_one()
        plan = (
            await conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT response_id FROM answers "
                "WHERE question_code = 'position' AND CAST(value AS VARCHAR) = '\"young_teacher\"'"
            )
        ).all()
    assert "CAST(value AS VARCHAR)" in found
    assert any("ix_answers_question_value" in str(row[-1]) for row in plan)


async def _the_expression_index_on_postgresql(db: Database) -> None:
    async with db.connect() as conn:
        found = (
            await conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_answers_question_value'"
            )
        ).scalar_one()
    assert "(value)::character varying" in found.replace(
        "CAST(value AS VARCHAR)", "(value)::character varying"
    )


async def test_a_database_of_the_previous_release_upgrades(tmp_path: Path) -> None:
    """A deployment migrated to the two heads of the previous release (roadmap 0013, scopes
    0014) reaches the single head through the merge migration."""
    db = Database(empty_database_url(tmp_path, "old.db"))
    try:
        await upgrade(db, "0013")
        await upgrade(db, "0014")
        await upgrade(db)
        async with db.connect() as conn:
            versions = (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        assert versions == [(ScriptDirectory.from_config(config).get_current_head(),)]
    finally:
        await db.close()


async def test_the_last_release_upgrades_with_its_data(tmp_path: Path) -> None:
    """The release before this one stopped at 0022 (documents); its rows survive the rest."""
    db = Database(empty_database_url(tmp_path, "last.db"))
    try:
        await upgrade(db, "0022")
        async with db.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO organisations (name, kind, municipality, region, timezone,"
                " created_at, head_name, head_position)"
                " VALUES ('Школа № 1', 'school', '', '', 'Europe/Moscow',"
                " '2026-09-01 00:00:00', 'Иванова И. И.', 'Директор')"
            )
        await upgrade(db)
        async with db.connect() as conn:
            names = (await conn.exec_driver_sql("SELECT name, head_name FROM organisations")).all()
        assert names == [("Школа № 1", "Иванова И. И.")]
    finally:
        await db.close()
