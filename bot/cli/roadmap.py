"""`mentorbot roadmap import|list|done`: the yearly roadmap (дорожная карта) of organisations."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from mentoring.roadmap import service as roadmap_service
from storage.db import Database
from storage.roadmap import RoadmapItem


@click.group()
def roadmap() -> None:
    """Roadmap items: import the yearly template, list, mark done."""


@roadmap.command("import")
@click.option("--org", "organisation_id", type=int, help="one organisation")
@click.option("--municipality", help="every organisation of the municipality")
@click.option("--year", type=int, required=True, help="the school year's first year: 2026")
def roadmap_import(organisation_id: int | None, municipality: str | None, year: int) -> None:
    """Create the dated items of the school year; items already there are kept."""
    if (organisation_id is None) == (municipality is None):
        fail("give either --org or --municipality")
    settings = settings_or_exit()

    async def _import(db: Database) -> tuple[int, int]:
        if municipality is not None:
            ids = await roadmap_service.organisations_of_municipality(db, municipality)
        else:
            ids = [organisation_id] if organisation_id is not None else []
        added = await roadmap_service.import_roadmap(db, ids, year, now=datetime.now(UTC))
        return len(ids), added

    organisations, added = run_async(with_database(settings, _import))
    if organisations == 0:
        fail("no such organisations")
    click.echo(f"{added} roadmap items added for {organisations} organisation(s)")


@roadmap.command("list")
@click.option("--org", "organisation_id", type=int, required=True)
def roadmap_list(organisation_id: int) -> None:
    """Items: id, due date, done flag, stage, responsible role, title."""
    settings = settings_or_exit()

    async def _list(db: Database) -> list[RoadmapItem]:
        return await roadmap_service.items_of(db, organisation_id)

    for item in run_async(with_database(settings, _list)):
        click.echo(
            f"{item.id}\t{item.due_on.isoformat()}\t{_state(item)}\t"
            f"{item.stage}\t{item.responsible_role}\t{item.title_ru}"
        )


def _state(item: RoadmapItem) -> str:
    return "skipped" if item.skipped else "done" if item.done else "open"


@roadmap.command("done")
@click.option("--item", "item_id", type=int, required=True)
def roadmap_done(item_id: int) -> None:
    """Mark an item done (the command line acts as an administrator)."""
    settings = settings_or_exit()

    async def _done(db: Database) -> str:
        return await roadmap_service.mark_done(
            db, item_id, None, datetime.now(UTC), check_rights=False
        )

    outcome = run_async(with_database(settings, _done))
    if outcome == "missing":
        fail(f"no roadmap item {item_id}")
    click.echo(f"item {item_id}: {'already done' if outcome == 'already' else 'done'}")
