"""Run Alembic migrations on the app's database (at start-up and by `mentorbot db upgrade`).

A database already at the scripts' heads is left alone without importing Alembic: that
import, and loading every migration script, is most of what a CLI command would otherwise
spend before doing its work.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["UnknownMigration", "script_heads", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default; env.py does not change it
HEADER_NAMES = ("revision", "down_revision", "depends_on")


def _config(url: str) -> Config:
    from alembic.config import Config

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
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    # Alembic would fail deep inside with "Can't locate revision"; say it plainly instead.
    known = {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = sorted(revision for revision in current if revision not in known)
    if unknown:
        raise UnknownMigration(unknown)


def _script_header(path: Path) -> dict[str, object] | None:
    """The `revision`, `down_revision` and `depends_on` set before the script's first
    function, or None when they are not plain literals there."""
    header = path.read_text(encoding="utf-8").split("\ndef ", 1)[0]
    try:
        body = ast.parse(header).body
    except SyntaxError:
        return None
    found: dict[str, object] = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in HEADER_NAMES:
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError):
                return None
    return found if {"revision", "down_revision"} <= found.keys() else None


def script_heads() -> frozenset[str] | None:
    """The heads of the migration scripts, read as text; None when a script is not plain
    enough to be sure (then Alembic decides, as it always may)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name.startswith("__init__"):  # Alembic skips it too
            continue
        header = _script_header(path)
        if header is None or not isinstance(header["revision"], str) or header.get("depends_on"):
            return None
        revisions.add(header["revision"])
        down = header["down_revision"]
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(item, str) for item in down):
            parents.update(down)
        elif down is not None:
            return None
    return frozenset(revisions - parents) or None


def _applied(connection: Connection) -> frozenset[str]:
    if not inspect(connection).has_table(VERSION_TABLE):
        return frozenset()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return frozenset(rows.scalars())


# "heads": independent migration branches (two features landing at once) both apply.
async def upgrade(db: Database, revision: str = "heads") -> None:
    if revision == "heads" and (heads := script_heads()) is not None:
        async with db.connect() as conn:
            if await conn.run_sync(_applied) == heads:
                return

    from alembic import command

    cfg = _config(db.url)

    def _upgrade(connection: Connection) -> None:
        _check_known(cfg, connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with db.begin() as conn:
        await conn.run_sync(_upgrade)
