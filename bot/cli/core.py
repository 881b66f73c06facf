"""`mentorbot run` and `mentorbot db upgrade`."""

from __future__ import annotations

import click

from bot.cli.base import run_async, settings_or_exit, with_database
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
