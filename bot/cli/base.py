"""Shared plumbing of the CLI: settings, logging, the database, one-line errors."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import click

from bot.settings import Settings, SettingsError, load_settings
from storage.db import Database

__all__ = [
    "cli",
    "configure_logging",
    "fail",
    "run_async",
    "settings_or_exit",
    "with_database",
]

T = TypeVar("T")


def fail(message: str, status: int = 2) -> NoReturn:
    click.echo(f"mentorbot: {message}", err=True)
    sys.exit(status)


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        fail(str(exc))
    configure_logging(settings.log_level)
    return settings


# Chatty libraries: APScheduler logs two lines a second for the outbox job ("Running job",
# "executed successfully"), alembic a line per migration. Their warnings and errors still
# show; at DEBUG everything does.
QUIET_LOGGERS = ("alembic", "apscheduler.executors.default", "apscheduler.scheduler")


def configure_logging(level: str) -> None:
    """The process's logging: one line per record on stderr, at LOG_LEVEL."""
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger().setLevel(level)
    quiet = logging.NOTSET if level == "DEBUG" else logging.WARNING
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except SettingsError as exc:
        fail(str(exc))


async def with_database(settings: Settings, action: Callable[[Database], Awaitable[T]]) -> T:
    """Open the migrated database, run `action`, close it."""
    from bot.app import open_database

    db = await open_database(settings, migrate=True)
    try:
        return await action(db)
    finally:
        await db.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Mentoring programme bot: run it and manage organisations, invites and people."""
