"""`mentorbot practice list`: an organisation's best mentoring practices of a quarter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from mentoring.people.organisations import get_organisation
from mentoring.stats import practices as practice_service
from storage.db import Database


@click.group()
def practice() -> None:
    """Best mentoring practices (лучшие практики) reported quarterly by organisations."""


@practice.command("list")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--quarter", help="like 2026-Q4; the current quarter when left out")
def practice_list(organisation_id: int, quarter: str | None) -> None:
    """Practices: id, quarter, form, title, link; then the quarter's report deadline."""
    chosen = (
        practice_service.parse_quarter(quarter)
        if quarter is not None
        else practice_service.quarter_of(datetime.now(UTC).date())
    )
    if chosen is None:
        fail(f"not a quarter: {quarter!r} (expected like 2026-Q4)")
    settings = settings_or_exit()

    async def _list(db: Database) -> tuple[list[practice_service.Practice], date] | None:
        if await get_organisation(db, organisation_id) is None:
            return None
        found = await practice_service.practices_of(db, [organisation_id], chosen)
        return found, await practice_service.report_deadline(db, organisation_id, chosen)

    listed = run_async(with_database(settings, _list))
    if listed is None:
        fail(f"no organisation {organisation_id}")
    found, deadline = listed
    for item in found:
        click.echo(f"{item.id}\t{item.quarter}\t{item.form}\t{item.title}\t{item.link}")
    click.echo(f"{len(found)} practice(s) for {chosen}; report due {deadline.isoformat()}")
