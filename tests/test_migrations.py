"""The migrations build exactly the schema that storage/schema.py describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.schema import metadata


async def test_migrated_database_matches_schema(db: Database) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.connect() as conn:
        assert await conn.run_sync(diff) == []
