"""`mentorbot run` and the database commands: `db upgrade`, `db backup`, `db copy`."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from storage.db import Database


@click.command()
def run() -> None:
    """Run the bot with the scheduler and the web server (sandbox when BOT_TOKEN is unset)."""
    from bot.app import run as run_app

    settings = settings_or_exit()
    run_async(run_app(settings))


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    settings = settings_or_exit()

    async def _done(_db: Database) -> None:
        return None

    run_async(with_database(settings, _done))
    click.echo("database is up to date")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path) -> None:
    """An online, consistent copy of the SQLite database into FILE (the bot may keep running).

    For PostgreSQL use pg_dump (see README, Deployment)."""
    from storage.transfer import CopyError, backup_sqlite

    settings = settings_or_exit()
    try:
        size = backup_sqlite(settings.database_url, file)
    except CopyError as exc:
        fail(str(exc))
    click.echo(f"backup written: {file} ({size / 1_048_576:.1f} MB)")


@db.command("copy")
@click.option("--to", "target_url", required=True, help="The empty target database's URL.")
def db_copy(target_url: str) -> None:
    """Copy this installation's database into an empty database (SQLite → PostgreSQL).

    Every table is copied from one snapshot, so the bot may keep running; anything it
    writes after the snapshot is not in the copy, so stop it before you switch."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from storage.migrate import upgrade
    from storage.transfer import CopyError, copy_database

    settings = settings_or_exit()
    try:
        target_name = make_url(target_url).render_as_string(hide_password=True)
    except ArgumentError:
        fail(f"not a database URL: {target_url!r} (e.g. postgresql+asyncpg://user:pass@host/db)")

    def shown(table: str, rows: int) -> None:
        click.echo(f"  {table:<28} {rows:>9} rows")

    async def _copy(source: Database) -> bool:
        target = Database(target_url)
        try:
            await upgrade(target)
            copies = await copy_database(source, target, progress=shown)
        finally:
            await target.close()
        bad = [c for c in copies if not c.verified]
        for c in bad:
            click.echo(f"  {c.name}: the copy does not match the source", err=True)
        return not bad

    click.echo(f"copying into {target_name}")
    try:
        verified = run_async(with_database(settings, _copy))
    except CopyError as exc:
        fail(str(exc))
    except (SQLAlchemyError, OSError) as exc:
        fail(f"the target database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    if not verified:
        fail("the copy did not verify; the target is left as it is for inspection", 1)
    click.echo("every table verified: row counts and checksums match")
    click.echo(
        "to switch: stop the bot (what it writes after the copy's snapshot is not in the copy; "
        "if it was running, copy once more, into an empty database), then set in .env"
    )
    click.echo(f"  DATABASE_URL={target_name}")
    click.echo("(with your password in place of ***) and start the bot.")
