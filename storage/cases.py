"""Case write-ups (описания результатов пар) and the curator's selection of the best as
cases (кейсы): one write-up per pair and school year; writing it again replaces it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import case_writeups, organisations, pair_mentees, pairs, people

__all__ = [
    "CaseRow",
    "Writeup",
    "count_selected",
    "erase_for_person",
    "get",
    "of_organisations",
    "of_pair",
    "save",
    "selected_rows",
    "set_selected",
]


@dataclass(frozen=True, slots=True)
class Writeup:
    id: int
    organisation_id: int
    pair_id: int
    mentor_id: int
    year: int
    goal: str
    work: str
    result: str
    photos: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    selected_at: datetime | None = None
    selected_by: int | None = None
    mentor_name: str | None = None  # None once the mentor was erased (or not asked for)
    form: str = ""  # the pair's form of mentoring, when asked for

    @property
    def selected(self) -> bool:
        return self.selected_at is not None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A selected case as the documents print it."""

    organisation: str
    mentor: str | None
    form: str
    mentees: int
    goal: str
    work: str
    result: str
    photos: int
    year: int


def _writeup(mapping: Mapping[Any, Any], name: str | None = None, form: str = "") -> Writeup:
    data = dict(mapping)
    data["photos"] = tuple(str(p) for p in data.get("photos") or ())
    return Writeup(**data, mentor_name=name, form=form)


async def get(conn: AsyncConnection, writeup_id: int) -> Writeup | None:
    row = (
        await conn.execute(select(case_writeups).where(case_writeups.c.id == writeup_id))
    ).first()
    return None if row is None else _writeup(row._mapping)


async def of_pair(conn: AsyncConnection, pair_id: int, year: int) -> Writeup | None:
    query = select(case_writeups).where(
        case_writeups.c.pair_id == pair_id, case_writeups.c.year == year
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _writeup(row._mapping)


async def save(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    pair_id: int,
    mentor_id: int,
    year: int,
    goal: str,
    work: str,
    result: str,
    photos: Sequence[str],
    now: datetime,
) -> tuple[Writeup, bool]:
    """Store the pair's write-up of the year; True when it replaced an earlier one (which
    then stops being a selected case: the curator chose another text)."""
    values = {
        "mentor_id": mentor_id,
        "goal": goal,
        "work": work,
        "result": result,
        "photos": list(photos),
        "updated_at": now,
        "selected_at": None,
        "selected_by": None,
    }
    earlier = await of_pair(conn, pair_id, year)
    if earlier is not None:
        await conn.execute(
            update(case_writeups).where(case_writeups.c.id == earlier.id).values(**values)
        )
        saved = await get(conn, earlier.id)
    else:
        inserted = await conn.execute(
            case_writeups.insert()
            .values(
                organisation_id=organisation_id,
                pair_id=pair_id,
                year=year,
                created_at=now,
                **values,
            )
            .returning(case_writeups.c.id)
        )
        saved = await get(conn, int(inserted.scalar_one()))
    assert saved is not None
    return saved, earlier is not None


async def of_organisations(
    conn: AsyncConnection, org_ids: Sequence[int], year: int, *, selected_only: bool = False
) -> list[Writeup]:
    """The write-ups of a school year, oldest first, with their mentors' names."""
    query = (
        select(case_writeups, people.c.full_name, pairs.c.form.label("pair_form"))
        .join(people, people.c.id == case_writeups.c.mentor_id)
        .join(pairs, pairs.c.id == case_writeups.c.pair_id)
        .where(case_writeups.c.organisation_id.in_(list(org_ids)), case_writeups.c.year == year)
        .order_by(case_writeups.c.organisation_id, case_writeups.c.id)
    )
    if selected_only:
        query = query.where(case_writeups.c.selected_at.is_not(None))
    found = []
    for row in (await conn.execute(query)).mappings():
        data = dict(row)
        name, form = data.pop("full_name"), data.pop("pair_form")
        found.append(_writeup(data, name, form))
    return found


async def set_selected(
    conn: AsyncConnection, writeup_id: int, by: int | None, now: datetime | None
) -> bool:
    """Select (`now` given) or unselect (None); False when it already was so."""
    state = (
        case_writeups.c.selected_at.is_(None)
        if now is not None
        else case_writeups.c.selected_at.is_not(None)
    )
    result = await conn.execute(
        update(case_writeups)
        .where(case_writeups.c.id == writeup_id, state)
        .values(selected_at=now, selected_by=by if now is not None else None)
    )
    return bool(result.rowcount)


async def count_selected(conn: AsyncConnection, organisation_id: int, year: int) -> int:
    query = select(func.count()).where(
        case_writeups.c.organisation_id == organisation_id,
        case_writeups.c.year == year,
        case_writeups.c.selected_at.is_not(None),
    )
    return int((await conn.execute(query)).scalar_one())


async def selected_rows(
    conn: AsyncConnection,
    org_ids: Sequence[int],
    *,
    year: int | None = None,
    selected_from: datetime | None = None,
    selected_before: datetime | None = None,
) -> tuple[CaseRow, ...]:
    """Selected cases of these organisations: of a school year, or selected in a window."""
    if not org_ids:
        return ()
    mentee_count = (
        select(func.count())
        .where(pair_mentees.c.pair_id == case_writeups.c.pair_id)
        .correlate(case_writeups)
        .scalar_subquery()
    )
    query = (
        select(
            organisations.c.name,
            people.c.full_name,
            pairs.c.form,
            mentee_count,
            case_writeups.c.goal,
            case_writeups.c.work,
            case_writeups.c.result,
            case_writeups.c.photos,
            case_writeups.c.year,
        )
        .join(organisations, organisations.c.id == case_writeups.c.organisation_id)
        .join(pairs, pairs.c.id == case_writeups.c.pair_id)
        .join(people, people.c.id == case_writeups.c.mentor_id)
        .where(
            case_writeups.c.organisation_id.in_(list(org_ids)),
            case_writeups.c.selected_at.is_not(None),
        )
        .order_by(organisations.c.name, case_writeups.c.selected_at, case_writeups.c.id)
    )
    if year is not None:
        query = query.where(case_writeups.c.year == year)
    if selected_from is not None:
        query = query.where(case_writeups.c.selected_at >= selected_from)
    if selected_before is not None:
        query = query.where(case_writeups.c.selected_at < selected_before)
    return tuple(
        CaseRow(org, mentor, form, int(n), goal, work, result, len(photos or ()), int(y))
        for org, mentor, form, n, goal, work, result, photos, y in (await conn.execute(query)).all()
    )


REDACTED = "…"


def _redacted(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


async def erase_for_person(conn: AsyncConnection, person_id: int) -> int:
    """/forget: the write-ups the person wrote as a mentor go; in those of pairs he was a
    mentee of, his name (in full and each part of it) is struck out. Returns the rows gone."""
    result = await conn.execute(delete(case_writeups).where(case_writeups.c.mentor_id == person_id))
    full_name = (
        await conn.execute(select(people.c.full_name).where(people.c.id == person_id))
    ).scalar_one_or_none()
    parts = [p for p in (full_name or "").split() if len(p) >= 3]
    names = sorted({str(full_name or ""), *parts} - {""}, key=len, reverse=True)
    if names:
        his_pairs = select(pair_mentees.c.pair_id).where(pair_mentees.c.mentee_id == person_id)
        query = select(case_writeups).where(case_writeups.c.pair_id.in_(his_pairs))
        for row in (await conn.execute(query)).mappings().all():
            texts = {k: _redacted(row[k], names) for k in ("goal", "work", "result")}
            await conn.execute(
                update(case_writeups).where(case_writeups.c.id == row["id"]).values(**texts)
            )
    return int(result.rowcount)
