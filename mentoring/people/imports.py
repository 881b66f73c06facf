"""Importing a class or staff list (список класса / сотрудников) into an organisation.

The school enters these people from its own records, for which it holds the paper
consents; each row becomes a pre-registered person (status "invited", no Telegram id) with
a personal single-use invite. When he opens it and consents in the bot, the record becomes
his (see `registration.grant_consent`). A row lands whole or not at all; bad rows are
reported with the reason and the rest is imported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.people.invites import new_code
from mentoring.people.rosters import (
    IMPORT_ROLES,
    MAX_ROWS,
    ImportRow,
    ParsedTable,
    Problem,
    RowProblem,
    parse_table,
)
from storage import audit
from storage import imports as import_store
from storage import organisations as org_store
from storage.db import Database

__all__ = [
    "IMPORT_ROLES",
    "MAX_ROWS",
    "ImportReport",
    "ImportRow",
    "ParsedTable",
    "Problem",
    "RowProblem",
    "import_people",
    "parse_table",
    "remove_imported",
]

PERSONAL_INVITE_DAYS = 120
CHUNK = 200  # rows per transaction; a failing chunk is retried row by row


@dataclass(slots=True)
class ImportReport:
    total: int
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)


async def import_people(
    db: Database,
    organisation_id: int,
    parsed: ParsedTable,
    *,
    actor_person_id: int | None,
    now: datetime,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store the good rows (each whole or not at all); the report lists every bad one."""
    report = ImportReport(total=len(parsed.rows) + len(parsed.problems))
    report.problems.extend(parsed.problems)
    async with db.connect() as conn:
        if await org_store.get(conn, organisation_id) is None:
            raise ValueError(f"no organisation with id {organisation_id}")
        existing = await import_store.existing_keys(conn, organisation_id)
    expires_at = now + timedelta(days=PERSONAL_INVITE_DAYS)

    async def store(conn: AsyncConnection, rows: list[ImportRow]) -> None:
        entries = [
            import_store.NewPerson(
                r.full_name, r.role, r.class_or_position, r.birth_date, new_code()
            )
            for r in rows
        ]
        await import_store.create_people(
            conn,
            organisation_id,
            entries,
            invite_expires_at=expires_at,
            imported_by=actor_person_id,
            now=now,
        )

    for start in range(0, len(parsed.rows), CHUNK):
        fresh: list[ImportRow] = []
        for row in parsed.rows[start : start + CHUNK]:
            if row.key in existing:
                report.problems.append(
                    RowProblem(row.line, Problem.ALREADY_IN_ORGANISATION, row.full_name)
                )
            else:
                fresh.append(row)
        async with db.begin() as conn:
            try:
                async with conn.begin_nested():
                    await store(conn, fresh)
                saved = fresh
            except SQLAlchemyError:  # find the culprit: row by row, each whole or not at all
                saved = []
                for row in fresh:
                    try:
                        async with conn.begin_nested():
                            await store(conn, [row])
                        saved.append(row)
                    except SQLAlchemyError:
                        report.problems.append(
                            RowProblem(row.line, Problem.NOT_SAVED, row.full_name)
                        )
        existing.update(row.key for row in saved)
        report.imported += len(saved)
        if on_progress is not None:
            on_progress(min(start + CHUNK, len(parsed.rows)))
        await asyncio.sleep(0)  # let the bot and the web app breathe between chunks
    report.problems.sort(key=lambda p: p.line)
    async with db.begin() as conn:
        await audit.record(
            conn,
            "people.imported",
            actor_person_id=actor_person_id,
            object_type="organisation",
            object_id=organisation_id,
            details={
                "rows": report.total,
                "imported": report.imported,
                "rejected": len(report.problems),
            },
        )
    return report


async def remove_imported(db: Database, person_id: int, *, actor_person_id: int | None) -> bool:
    """Withdraw an imported record before the person joined (a mistake, a pupil who left):
    his data and his personal link are deleted. False when he has joined meanwhile."""
    async with db.begin() as conn:
        removed = await import_store.delete_unclaimed(conn, person_id)
        if removed:
            await audit.record(
                conn,
                "person.import_removed",
                actor_person_id=actor_person_id,
                object_type="person",
                object_id=person_id,
            )
    return removed
