"""Run Alembic migrations on the app's database (at start-up and by `mentorbot db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.db import Database

__all__ = ["upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


# "heads": independent migration branches (two features landing at once) both apply.
async def upgrade(db: Database, revision: str = "heads") -> None:
    cfg = _config(db.url)

    def _upgrade(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with db.begin() as conn:
        await conn.run_sync(_upgrade)
