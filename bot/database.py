"""Opening the database for a command, with one-line errors naming DATABASE_URL.

Shared by the bot process (`bot.app`) and the CLI; it lives apart from `bot.app`, whose
imports (aiogram, the scheduler, the web app) a command such as `mentorbot org list` must
not pay for.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError
from storage.db import Database
from storage.migrate import UnknownMigration, upgrade

__all__ = ["open_database"]


async def open_database(settings: Settings, *, migrate: bool) -> Database:
    """Open (and migrate) the database, or raise a one-line `SettingsError`."""
    try:
        db = Database(settings.database_url)
    except ImportError as exc:
        raise SettingsError(
            f"setting DATABASE_URL: its driver is not installed ({exc.name}); "
            "for PostgreSQL install mentorbot[postgres]"
        ) from None
    except (SQLAlchemyError, OSError, ValueError) as exc:
        raise SettingsError(
            f"setting DATABASE_URL: cannot use it: {type(exc).__name__}: {exc}"
        ) from None
    try:
        await db.ping()
        if migrate:
            await upgrade(db)
    except UnknownMigration as exc:
        await db.close()
        revisions = ", ".join(repr(revision) for revision in exc.revisions)
        raise SettingsError(
            f"setting DATABASE_URL: the database is at migration {revisions}, which this "
            "version does not know (a newer version wrote it): run that one or restore a backup"
        ) from None
    except (SQLAlchemyError, OSError) as exc:
        await db.close()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SettingsError(f"setting DATABASE_URL: cannot open the database: {reason}") from None
    return db
