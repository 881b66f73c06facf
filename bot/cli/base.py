"""Shared plumbing of the CLI: settings, logging, the database, one-line errors."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from bot.cli.lazy import LazyCommand, LazyGroup

# Imported where used, so that `mentorbot --help` reads neither settings nor the database.
if TYPE_CHECKING:
    from bot.settings import Settings
    from storage.db import Database

__all__ = [
    "COMMANDS",
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
    from bot.settings import SettingsError, load_settings

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
    import asyncio

    from bot.settings import SettingsError

    try:
        return asyncio.run(coro)
    except SettingsError as exc:
        fail(str(exc))


async def with_database(settings: Settings, action: Callable[[Database], Awaitable[T]]) -> T:
    """Open the migrated database, run `action`, close it."""
    from bot.database import open_database

    db = await open_database(settings, migrate=True)
    try:
        return await action(db)
    finally:
        await db.close()


# Each command's module is imported only when that command runs (bot/cli/lazy.py); the
# help texts are the first paragraphs of the commands' own, and a test keeps them equal.
COMMANDS = {
    "consent": LazyCommand("bot.cli.surveys:consent", "Consents."),
    "db": LazyCommand("bot.cli.core:db", "Database maintenance."),
    "demo-data": LazyCommand(
        "bot.cli.demo:demo_data",
        "Organisations, people, pairs, meetings and answers; demo people have negative "
        "telegram ids.",
    ),
    "doc": LazyCommand(
        "bot.cli.documents:doc",
        "The school's documents as Word files: order on pairs, thank-you letters, analytical "
        "note, best practices of the quarter.",
    ),
    "group-meeting": LazyCommand(
        "bot.cli.surveys:group_meeting",
        "Record the group meeting and send each attendee the preference questionnaire.",
    ),
    "headcount": LazyCommand(
        "bot.cli.stats:headcount",
        "Headcounts (численность) per organisation and school year: the KPI denominators.",
    ),
    "invite": LazyCommand("bot.cli.orgs:invite", "Invite links."),
    "org": LazyCommand("bot.cli.orgs:org", "Organisations (schools, colleges, centres, partners)."),
    "pairs": LazyCommand(
        "bot.cli.pairs:pairs", "Pairs and groups: propose, approve by order, list."
    ),
    "people": LazyCommand("bot.cli.orgs:people", "People of an organisation."),
    "practice": LazyCommand(
        "bot.cli.practices:practice",
        "Best mentoring practices (лучшие практики) reported quarterly by organisations.",
    ),
    "report": LazyCommand(
        "bot.cli.stats:report_command", "The analytical report (аналитическая справка) as XLSX."
    ),
    "roadmap": LazyCommand(
        "bot.cli.roadmap:roadmap", "Roadmap items: import the yearly template, list, mark done."
    ),
    "run": LazyCommand(
        "bot.cli.core:run",
        "Run the bot with the scheduler and the web server (sandbox when BOT_TOKEN is unset).",
    ),
    "stats": LazyCommand(
        "bot.cli.stats:stats_command", "KPIs against targets, satisfaction and pairs for a scope."
    ),
    "survey": LazyCommand("bot.cli.surveys:survey", "Questionnaire waves."),
    "training": LazyCommand(
        "bot.cli.training:training",
        "Mentor training sessions and webinars: schedule, list, attendance.",
    ),
    "targets": LazyCommand(
        "bot.cli.stats:targets",
        "KPI targets: per-year overrides of mentoring/stats/data/targets.yaml.",
    ),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
def cli() -> None:
    """Mentoring programme bot: run it and manage organisations, invites and people."""
