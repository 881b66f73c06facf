"""The curator's side of cases: his organisations' write-ups, and the best selected as
cases; a coordinator sees the selected cases of his scope. Rights are checked here, for
every front door (a button, a web form)."""

from __future__ import annotations

from datetime import datetime

from mentoring.people.access import load_scope
from mentoring.roadmap.service import record_event
from storage import audit
from storage import cases as store
from storage.cases import Writeup
from storage.db import Database
from storage.people import Person

__all__ = ["ROADMAP_EVENT", "select_case", "visible_writeup", "visible_writeups"]

ROADMAP_EVENT = "cases_selected"


async def visible_writeups(
    db: Database, person: Person | None, organisation_id: int, year: int
) -> list[Writeup] | None:
    """Every write-up of the year for one who curates the organisation, the selected ones
    for one who only sees it (a coordinator); None for anyone else."""
    scope = await load_scope(db, person)
    if scope is None or not scope.sees(organisation_id):
        return None
    async with db.connect() as conn:
        return await store.of_organisations(
            conn, [organisation_id], year, selected_only=not scope.manages(organisation_id)
        )


async def visible_writeup(db: Database, person: Person | None, writeup_id: int) -> Writeup | None:
    """One write-up, to one who may see it (`visible_writeups`' rule); None otherwise."""
    async with db.connect() as conn:
        found = await store.get(conn, writeup_id)
    if found is None:
        return None
    listed = await visible_writeups(db, person, found.organisation_id, found.year)
    return next((w for w in listed or () if w.id == writeup_id), None)


async def select_case(
    db: Database, person: Person | None, writeup_id: int, *, selected: bool, now: datetime
) -> str:
    """Select a write-up as a case (or unselect it): "selected", "unselected", "already",
    "missing" or "forbidden" (the person does not curate its organisation). The first case
    of a school year marks the roadmap item «cases» done."""
    scope = await load_scope(db, person)
    async with db.begin() as conn:
        writeup = await store.get(conn, writeup_id)
        if writeup is None:
            return "missing"
        if scope is None or not scope.manages(writeup.organisation_id):
            return "forbidden"
        assert person is not None
        changed = await store.set_selected(conn, writeup_id, person.id, now if selected else None)
        if not changed:
            return "already"
        await audit.record(
            conn,
            "case.selected" if selected else "case.unselected",
            actor_person_id=person.id,
            object_type="organisation",
            object_id=writeup.organisation_id,
            details={"case": writeup_id},
        )
        if (
            selected
            and await store.count_selected(conn, writeup.organisation_id, writeup.year) == 1
        ):
            await record_event(
                conn,
                writeup.organisation_id,
                ROADMAP_EVENT,
                actor_person_id=person.id,
                now=now,
                link=f"/cases/{writeup.organisation_id}",
            )
    return "selected" if selected else "unselected"
