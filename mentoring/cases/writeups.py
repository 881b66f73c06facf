"""The mentor's side of a case: whether he may write up this pair now, and keeping it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mentoring.cases.rules import PHOTOS_MAX, STEPS, clean_text, open_years
from storage import cases as store
from storage import documents as doc_store
from storage import pairs as pair_store
from storage.cases import Writeup
from storage.db import Database
from storage.pairs import Pair
from storage.people import Person

__all__ = ["Saved", "Start", "may_write", "save_writeup"]


@dataclass(frozen=True, slots=True)
class Start:
    pair: Pair
    year: int
    earlier: Writeup | None  # the write-up a new one replaces
    mentees: tuple[str, ...] = ()  # their names, to say which pair it is


@dataclass(frozen=True, slots=True)
class Saved:
    writeup: Writeup
    replaced: bool


async def may_write(
    db: Database, person: Person | None, pair_id: int, year: int, now: datetime
) -> Start | str:
    """The pair and year to write up, or a problem: "forbidden" (not this pair's mentor, or
    the pair is not fixed by an order) or "stale" (a school year long over)."""
    if person is None or not person.registered:
        return "forbidden"
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
        if pair is None or pair.mentor_id != person.id or not pair.order_number:
            return "forbidden"
        if year not in open_years(now.date()):
            return "stale"
        earlier = await store.of_pair(conn, pair_id, year)
        names = await doc_store.names_of(conn, list(pair.mentee_ids))
    mentees = tuple(n for m in pair.mentee_ids if (n := names.get(m)))
    return Start(pair, year, earlier, mentees)


async def save_writeup(
    db: Database,
    person: Person | None,
    pair_id: int,
    year: int,
    *,
    texts: dict[str, str],
    photos: Sequence[str],
    now: datetime,
) -> Saved | str:
    """Keep the write-up (replacing the pair's earlier one of that year); a problem code
    ("forbidden", "stale", "text", "photos") when it may not be kept."""
    start = await may_write(db, person, pair_id, year, now)
    if isinstance(start, str):
        return start
    cleaned = {step: clean_text(step, texts.get(step)) for step in STEPS}
    if any(value is None for value in cleaned.values()):
        return "text"
    if len(photos) > PHOTOS_MAX or any(not p or len(p) > 200 for p in photos):
        return "photos"
    assert person is not None
    async with db.begin() as conn:
        writeup, replaced = await store.save(
            conn,
            organisation_id=start.pair.organisation_id,
            pair_id=pair_id,
            mentor_id=person.id,
            year=year,
            goal=cleaned["goal"] or "",
            work=cleaned["work"] or "",
            result=cleaned["result"] or "",
            photos=list(photos),
            now=now,
        )
    return Saved(writeup, replaced)
