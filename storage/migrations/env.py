"""Alembic environment.

The app runs migrations through `storage.migrate.upgrade`, which hands a live connection
in `config.attributes["connection"]`; the plain `alembic` command line falls back to
opening the database named by `sqlalchemy.url`.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    db = Database(config.get_main_option("sqlalchemy.url") or "")
    try:
        async with db.begin() as conn:
            await conn.run_sync(_run)
    finally:
        await db.close()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_standalone())
