"""`mentorbot demo-data`: a realistic, deterministic demo programme for trying /stats."""

from __future__ import annotations

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from mentoring.demo.seed import DemoSize, RealPeopleError, write_demo
from storage.db import Database


@click.command("demo-data")
@click.option("--orgs", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--people", type=click.IntRange(min=2), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="add demo data to a database with real people")
def demo_data(orgs: int, people: int, seed: int, force: bool) -> None:
    """Organisations, people, pairs, meetings and answers; demo people have negative
    telegram ids."""
    settings = settings_or_exit()

    async def _write(db: Database) -> dict[str, int]:
        try:
            return await write_demo(db, DemoSize(orgs, people, seed), force=force)
        except RealPeopleError as exc:
            fail(str(exc))

    counts = run_async(with_database(settings, _write))
    click.echo(", ".join(f"{table}: {count}" for table, count in counts.items()))
