"""`mentorbot doc order|letters|note|practices|cases|signer`: the school's paperwork as Word files.

Documents are written in Russian (they are the school's official papers); each is made with
the organisation's own template when it uploaded one in the back office.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from i18n import load_translator
from mentoring.documents.files import Document
from mentoring.documents.notes import DocumentScope
from storage import organisations as org_store
from storage.db import Database

__all__ = ["doc"]

OUT_HELP = "file to write; the document's own name in this folder when left out"


@click.group()
def doc() -> None:
    """The school's documents as Word files: order on pairs, thank-you letters, analytical
    note, best practices of the quarter."""


def _write(document: Document | None, out: Path | None, missing: str) -> Path:
    if document is None:
        fail(missing)
    path = out or Path(document.file_name)
    path.write_bytes(document.content)
    return path


def _run(action: Callable[[Database], Awaitable[Document | str | None]]) -> Document | str | None:
    return run_async(with_database(settings_or_exit(), action))


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: expected a date like 2026-10-01, got {text!r}")


@doc.command("order")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--order", "number", help='the order\'s number ("12-о"); the newest when left out')
@click.option("--date", "day_text", help="the order's date, YYYY-MM-DD, if numbers repeat")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=OUT_HELP)
def doc_order(
    organisation_id: int, number: str | None, day_text: str | None, out: Path | None
) -> None:
    """The order on pairs (приказ о закреплении наставнических пар) with its annex."""
    from mentoring.documents.orders import order_document

    day = _day(day_text, "--date")

    async def _make(db: Database) -> Document | str | None:
        async with db.connect() as conn:
            if await org_store.get(conn, organisation_id) is None:
                return f"no organisation {organisation_id}"
        return await order_document(db, load_translator(), organisation_id, number=number, day=day)

    made = _run(_make)
    if isinstance(made, str):
        fail(made)
    path = _write(made, out, f"organisation {organisation_id} has no such order on pairs")
    click.echo(f"{path}: order on pairs of organisation {organisation_id}")


@doc.command("letters")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--year", type=int, help="school year's first year: 2026 = 2026/27 (the current)")
@click.option("--on", "day_text", help="the letters' date, YYYY-MM-DD (today)")
@click.option("--zip", "one_per_person", is_flag=True, help="a ZIP of one .docx per addressee")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=OUT_HELP)
def doc_letters(
    organisation_id: int,
    year: int | None,
    day_text: str | None,
    one_per_person: bool,
    out: Path | None,
) -> None:
    """Thank-you letters (благодарственные письма) to the mentors who completed the year and
    to the partner organisations that gave mentors: one file with a page each, or a ZIP."""
    from mentoring.documents.letters import letters_document
    from mentoring.stats.periods import school_year_of

    today = _day(day_text, "--on") or datetime.now(UTC).date()
    chosen = year if year is not None else school_year_of(today)

    async def _make(db: Database) -> Document | str | None:
        async with db.connect() as conn:
            if await org_store.get(conn, organisation_id) is None:
                return f"no organisation {organisation_id}"
        return await letters_document(
            db, load_translator(), organisation_id, chosen, today, one_per_person=one_per_person
        )

    made = _run(_make)
    if isinstance(made, str):
        fail(made)
    path = _write(made, out, "nobody to thank yet: no pair of that school year finished")
    assert made is not None
    click.echo(f"{path}: {made.items} letter(s)")


def _scope(text: str) -> Callable[[Database], Awaitable[DocumentScope | None]]:
    kind, _, value = text.partition(":")
    if kind == "org" and value.isdigit():
        org_id = int(value)

        async def _organisation(db: Database) -> DocumentScope | None:
            async with db.connect() as conn:
                found = await org_store.get(conn, org_id)
            return None if found is None else DocumentScope(frozenset({org_id}), found.name)

        return _organisation
    if kind in ("municipality", "region") and value:

        async def _area(db: Database) -> DocumentScope | None:
            if kind == "municipality":
                return DocumentScope(None, value, municipality=value)
            return DocumentScope(None, value, region=value)

        return _area
    fail(f"--scope: expected org:ID, municipality:NAME or region:NAME, got {text!r}")


@doc.command("note")
@click.option(
    "--scope", "scope_text", required=True, help="org:ID | municipality:NAME | region:NAME"
)
@click.option("--period", required=True, help="2026 (school year 2026/27) | 2026-H1 | 2026-H2")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=OUT_HELP)
def doc_note(scope_text: str, period: str, out: Path | None) -> None:
    """The analytical note (аналитическая справка) for a half-year or a school year."""
    from mentoring.documents.notes import note_document
    from mentoring.stats.periods import parse_period

    if parse_period(period) is None or "Q" in period.upper():
        fail(f"--period: expected 2026, 2026-H1 or 2026-H2, got {period!r}")
    find = _scope(scope_text)

    async def _make(db: Database) -> Document | str | None:
        scope = await find(db)
        if scope is None:
            return f"no such scope: {scope_text}"
        return await note_document(db, load_translator(), scope, period, datetime.now(UTC))

    made = _run(_make)
    if isinstance(made, str):
        fail(made)
    path = _write(made, out, f"no organisation in {scope_text}")
    click.echo(f"{path}: analytical note, {period}")


@doc.command("practices")
@click.option(
    "--scope", "scope_text", required=True, help="org:ID | municipality:NAME | region:NAME"
)
@click.option("--period", required=True, help="a quarter: 2026-Q3")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=OUT_HELP)
def doc_practices(scope_text: str, period: str, out: Path | None) -> None:
    """The quarter's best practices (лучшие практики) with their links, for the municipality."""
    from mentoring.documents.notes import practices_document
    from mentoring.stats.practices import parse_quarter

    if parse_quarter(period) is None:
        fail(f"--period: expected a quarter like 2026-Q3, got {period!r}")
    find = _scope(scope_text)

    async def _make(db: Database) -> Document | str | None:
        scope = await find(db)
        if scope is None:
            return f"no such scope: {scope_text}"
        return await practices_document(db, load_translator(), scope, period, datetime.now(UTC))

    made = _run(_make)
    if isinstance(made, str):
        fail(made)
    path = _write(made, out, f"no organisation in {scope_text}")
    click.echo(f"{path}: best practices, {period}")


@doc.command("cases")
@click.option("--scope", "scope_text", help="org:ID | municipality:NAME | region:NAME")
@click.option("--org", "organisation_id", type=int, help="the same as --scope org:ID")
@click.option("--year", type=int, help="school year's first year: 2026 = 2026/27 (the current)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=OUT_HELP)
def doc_cases(
    scope_text: str | None, organisation_id: int | None, year: int | None, out: Path | None
) -> None:
    """The mentoring cases (кейсы наставничества) the curators selected in a school year."""
    from mentoring.documents.cases import cases_document
    from mentoring.stats.periods import school_year_of

    if (scope_text is None) == (organisation_id is None):
        fail("give either --org ID or --scope")
    find = _scope(scope_text or f"org:{organisation_id}")
    now = datetime.now(UTC)
    chosen = year if year is not None else school_year_of(now.date())

    async def _make(db: Database) -> Document | str | None:
        scope = await find(db)
        if scope is None:
            return f"no such scope: {scope_text or organisation_id}"
        return await cases_document(db, load_translator(), scope, chosen, now)

    made = _run(_make)
    if isinstance(made, str):
        fail(made)
    path = _write(made, out, f"no case selected in the school year {chosen}/{chosen + 1}")
    assert made is not None
    click.echo(f"{path}: {made.items} case(s)")


@doc.command("signer")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--name", required=True, help="the head's full name (ФИО)")
@click.option("--position", default="Директор", show_default=True)
def doc_signer(organisation_id: int, name: str, position: str) -> None:
    """Who signs the organisation's documents: its head's name and position."""
    from mentoring.documents.signers import HeadError, set_head

    async def _set(db: Database) -> bool:
        return await set_head(db, organisation_id, name=name, position=position) is not None

    try:
        found = run_async(with_database(settings_or_exit(), _set))
    except HeadError as exc:
        fail(str(exc))
    if not found:
        fail(f"no organisation {organisation_id}")
    click.echo(f"organisation {organisation_id}: documents are signed by {position} {name}")
