"""Run Alembic migrations on the app's database (at start-up and by `mentorbot db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import Database

__all__ = ["UnknownMigration", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


class UnknownMigration(Exception):
    """The database is at a migration this version does not have (a newer version wrote it)."""

    def __init__(self, revisions: list[str]) -> None:
        super().__init__(", ".join(revisions))
        self.revisions = revisions


def _check_known(cfg: Config, connection: Connection) -> None:
    # Alembic would fail deep inside with "Can't locate revision"; say it plainly instead.
    known = {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = sorted(revision for revision in current if revision not in known)
    if unknown:
        raise UnknownMigration(unknown)


# "heads": independent migration branches (two features landing at once) both apply.
async def upgrade(db: Database, revision: str = "heads") -> None:
    cfg = _config(db.url)

    def _upgrade(connection: Connection) -> None:
        _check_known(cfg, connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with db.begin() as conn:
        await conn.run_sync(_upgrade)
