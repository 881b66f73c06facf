"""`mentorbot pairs propose|approve|list`: forming pairs from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from i18n import load_translator
from mentoring.pairs import service as pair_service
from mentoring.pairs.notices import approve, render_proposal
from storage import pairs as pair_store
from storage.db import Database
from surveys.definitions import load_definitions


@click.group()
def pairs() -> None:
    """Pairs and groups: propose, approve by order, list."""


@pairs.command("propose")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def pairs_propose(organisation_id: int, as_json: bool) -> None:
    """Match the organisation's mentees and mentors and store the proposal as the draft."""
    settings = settings_or_exit()

    async def _propose(db: Database) -> pair_service.ProposalView:
        return await pair_service.propose(db, organisation_id, datetime.now(UTC))

    view = run_async(with_database(settings, _propose))
    if as_json:
        click.echo(json.dumps(asdict(view), ensure_ascii=False))
    else:
        click.echo(render_proposal(view, load_translator().bind("ru")))


@pairs.command("approve")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--order", "order_number", required=True, help='e.g. "№ 12-о"')
@click.option("--order-date", required=True, help="YYYY-MM-DD")
def pairs_approve(organisation_id: int, order_number: str, order_date: str) -> None:
    """Approve the draft by the order and notify both sides of every pair."""
    settings = settings_or_exit()
    try:
        day = date.fromisoformat(order_date)
    except ValueError:
        fail(f"--order-date: expected YYYY-MM-DD, got {order_date!r}")
    if not order_number.strip():
        fail("--order: the order number is empty")

    async def _approve(db: Database) -> pair_service.Approval:
        return await approve(
            db,
            load_translator(),
            load_definitions(),
            organisation_id,
            order_number=order_number.strip(),
            order_date=day,
            actor_person_id=None,
            now=datetime.now(UTC),
        )

    approval = run_async(with_database(settings, _approve))
    if approval.problem is not None:
        fail("no proposal to approve; run `mentorbot pairs propose` first")
    click.echo(f"{len(approval.pair_ids)} pairs approved by {order_number} of {day.isoformat()}")


@pairs.command("list")
@click.option("--org", "organisation_id", type=int, required=True)
def pairs_list(organisation_id: int) -> None:
    """Active pairs: id, mentor id, mentee ids, form, order."""
    settings = settings_or_exit()

    async def _list(db: Database) -> list[pair_store.Pair]:
        async with db.connect() as conn:
            return await pair_store.active_pairs(conn, organisation_id)

    for pair in run_async(with_database(settings, _list)):
        mentees = ",".join(str(m) for m in pair.mentee_ids)
        click.echo(
            f"{pair.id}\tmentor={pair.mentor_id}\tmentees={mentees}\t{pair.form}\t"
            f"{pair.order_number} {pair.order_date.isoformat()}"
        )
