"""The analytical note (аналитическая справка) for a half-year or a school year, and the
quarter's best practices (лучшие практики), of one organisation or a scope.

A scope is organisations by id (None: all) narrowed to a municipality or a region, as for
/stats. One organisation: its name heads the paper, its head signs, its own template is
used. Several: the scope's words head it, the coordinator (or a blank line) signs, and the
product's template is used.

The practices are due by the 5th of the month after the quarter from a school (or its
roadmap's date for that report), by the 10th from a municipality or region (seed 003).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from i18n import Translator
from mentoring.documents.files import Document, file_name, texts
from mentoring.documents.templates import template_for
from mentoring.stats.kpis import build_report
from mentoring.stats.periods import parse_period
from mentoring.stats.practices import parse_quarter, quarter_end, report_deadline
from reports.documents.data import Note, Participants, PracticesReport, Signatory
from storage import cases as case_store
from storage import documents as store
from storage import organisations as org_store
from storage import practices as practice_store
from storage import stats as stats_store
from storage.db import Database
from storage.stats import OrganisationRow

__all__ = [
    "SCOPE_DEADLINE_DAY",
    "DocumentScope",
    "note_document",
    "practices_document",
    "scope_heading",
    "scope_organisations",
]

SCOPE_DEADLINE_DAY = 10


@dataclass(frozen=True, slots=True)
class DocumentScope:
    """What a note or a practices report covers; `label` names it («г. Тула»)."""

    org_ids: frozenset[int] | None
    label: str
    municipality: str | None = None
    region: str | None = None
    signatory: Signatory | None = None  # who signs for several organisations


async def scope_organisations(db: Database, scope: DocumentScope) -> list[OrganisationRow]:
    async with db.connect() as conn:
        return await stats_store.organisations_in_scope(
            conn,
            None if scope.org_ids is None else sorted(scope.org_ids),
            municipality=scope.municipality,
            region=scope.region,
        )


async def scope_heading(
    db: Database, orgs: list[OrganisationRow], scope: DocumentScope, translator: Translator
) -> tuple[str, Signatory, int | None]:
    """The paper's heading, who signs it, and whose template it is made with."""
    if len(orgs) == 1:
        async with db.connect() as conn:
            organisation = await org_store.get(conn, orgs[0].id)
        assert organisation is not None
        head = Signatory(organisation.head_name, organisation.head_position)
        return organisation.name, head, organisation.id
    t = texts(translator)
    signatory = scope.signatory or Signatory(position=t("documents.coordinator_position"))
    return t("documents.scope_title", scope=scope.label, n=len(orgs)), signatory, None


async def note_document(
    db: Database, translator: Translator, scope: DocumentScope, period_code: str, now: datetime
) -> Document | None:
    """The note for a school year (`2026`) or a half-year (`2026-H1`); None when the scope
    has no organisation. ValueError for anything else (a quarter has its practices report)."""
    from reports.documents.note import note_docx  # docxtpl and matplotlib: loaded on use

    period = parse_period(period_code)
    if period is None or "Q" in period_code.upper():
        raise ValueError(f"not a period: {period_code!r}")
    orgs = await scope_organisations(db, scope)
    if not orgs:
        return None
    ids = frozenset(o.id for o in orgs)
    report = await build_report(db, ids, period, scope_label=scope.label, now=now, details=True)
    async with db.connect() as conn:
        mentors, mentees = await store.participants(conn, sorted(ids), period.end, period.start_at)
        cases = await case_store.selected_rows(conn, sorted(ids), year=period.school_year)
    title, signatory, owner = await scope_heading(db, orgs, scope, translator)
    people = Participants(mentors, mentees)
    note = Note(title, report, people, now.date(), signatory, len(orgs), cases)
    template = await template_for(db, owner, "note")
    t = texts(translator)
    content = await asyncio.to_thread(note_docx, note, t, template)
    name = t("documents.files.note", scope=scope.label, period=period_code)
    return Document(file_name(name, "docx"), content)


async def _deadline(db: Database, orgs: list[OrganisationRow], quarter: str) -> date:
    if len(orgs) == 1:
        return await report_deadline(db, orgs[0].id, quarter)
    return quarter_end(quarter) + timedelta(days=SCOPE_DEADLINE_DAY)


async def practices_document(
    db: Database, translator: Translator, scope: DocumentScope, quarter_code: str, now: datetime
) -> Document | None:
    """The quarter's practices (`2026-Q3`); None when the scope has no organisation.
    ValueError for a code that is not a quarter."""
    from reports.documents.practices import practices_docx

    quarter = parse_quarter(quarter_code)
    if quarter is None:
        raise ValueError(f"not a quarter: {quarter_code!r}")
    orgs = await scope_organisations(db, scope)
    if not orgs:
        return None
    first = practice_store.quarter_start(quarter)
    async with db.connect() as conn:
        rows = await practice_store.practice_rows(conn, [o.id for o in orgs], first, first)
        cases = await case_store.selected_rows(
            conn,
            [o.id for o in orgs],
            selected_from=datetime.combine(first, time(), UTC),
            selected_before=datetime.combine(quarter_end(quarter) + timedelta(days=1), time(), UTC),
        )
    title, signatory, owner = await scope_heading(db, orgs, scope, translator)
    deadline = await _deadline(db, orgs, quarter)
    paper = PracticesReport(title, quarter, deadline, rows, now.date(), signatory, cases)
    template = await template_for(db, owner, "practices")
    t = texts(translator)
    content = await asyncio.to_thread(practices_docx, paper, t, template)
    name = t("documents.files.practices", scope=scope.label, period=quarter)
    return Document(file_name(name, "docx"), content)
