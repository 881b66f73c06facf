"""People imported from a school's class or staff list, each with a personal invite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import invites, memberships, people, people_imports

__all__ = [
    "INVITED",
    "ImportInfo",
    "NewPerson",
    "claim",
    "create_people",
    "delete_unclaimed",
    "existing_keys",
    "infos",
    "personal_invite_ids",
]

_CHUNK = 500  # ids per IN (...) query, well below any driver's parameter limit
INVITED = "invited"  # imported by the school; his own consent is still pending


@dataclass(frozen=True, slots=True)
class ImportInfo:
    person_id: int
    class_or_position: str
    invite_code: str | None
    imported_at: datetime
    claimed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewPerson:
    full_name: str
    role: str
    class_or_position: str
    birth_date: date | None
    invite_code: str


async def create_people(
    conn: AsyncConnection,
    organisation_id: int,
    entries: Sequence[NewPerson],
    *,
    invite_expires_at: datetime,
    imported_by: int | None,
    now: datetime,
) -> list[int]:
    """Pre-registered people: no Telegram id, status "invited", each with a single-use
    invite. Four statements for the whole batch; the caller's transaction makes it whole."""
    if not entries:
        return []
    people_rows = [
        {
            "full_name": e.full_name,
            "birth_date": e.birth_date,
            "status": INVITED,
            "created_at": now,
            "updated_at": now,
        }
        for e in entries
    ]
    result = await conn.execute(
        insert(people).returning(people.c.id, sort_by_parameter_order=True), people_rows
    )
    person_ids = [int(i) for i in result.scalars()]
    await conn.execute(
        insert(memberships),
        [
            {
                "person_id": pid,
                "organisation_id": organisation_id,
                "role": e.role,
                "created_at": now,
            }
            for pid, e in zip(person_ids, entries, strict=True)
        ],
    )
    invite_rows = [
        {
            "code": e.invite_code,
            "organisation_id": organisation_id,
            "role": e.role,
            "max_uses": 1,
            "expires_at": invite_expires_at,
            "created_at": now,
        }
        for e in entries
    ]
    result = await conn.execute(
        insert(invites).returning(invites.c.id, sort_by_parameter_order=True), invite_rows
    )
    invite_ids = [int(i) for i in result.scalars()]
    await conn.execute(
        insert(people_imports),
        [
            {
                "person_id": pid,
                "organisation_id": organisation_id,
                "invite_id": invite_id,
                "class_or_position": e.class_or_position,
                "imported_by": imported_by,
                "imported_at": now,
            }
            for pid, invite_id, e in zip(person_ids, invite_ids, entries, strict=True)
        ],
    )
    return person_ids


async def claim(
    conn: AsyncConnection,
    invite_id: int,
    *,
    telegram_id: int,
    username: str | None,
    locale: str,
    now: datetime,
) -> int | None:
    """Attach a Telegram user to the imported record behind this invite, if there is one.

    The person then finishes registration like anybody else (status "pending_name").
    """
    query = select(people_imports.c.person_id).where(
        people_imports.c.invite_id == invite_id, people_imports.c.claimed_at.is_(None)
    )
    person_id = (await conn.execute(query)).scalar_one_or_none()
    if person_id is None:
        return None
    result = await conn.execute(
        update(people)
        .where(people.c.id == person_id, people.c.status == INVITED, people.c.telegram_id.is_(None))
        .values(
            telegram_id=telegram_id,
            username=username,
            locale=locale,
            status="pending_name",
            updated_at=now,
        )
    )
    if result.rowcount != 1:
        return None
    await conn.execute(
        update(people_imports).where(people_imports.c.person_id == person_id).values(claimed_at=now)
    )
    return int(person_id)


async def existing_keys(
    conn: AsyncConnection, organisation_id: int
) -> set[tuple[str, date | None, str]]:
    """(name casefolded, birth date, role) of everybody in the organisation, to spot repeats."""
    result = await conn.execute(
        select(people.c.full_name, people.c.birth_date, memberships.c.role)
        .select_from(people.join(memberships))
        .where(memberships.c.organisation_id == organisation_id, people.c.full_name.is_not(None))
    )
    return {(row.full_name.casefold(), row.birth_date, row.role) for row in result}


async def infos(conn: AsyncConnection, person_ids: Iterable[int]) -> dict[int, ImportInfo]:
    ids = list(person_ids)
    found: dict[int, ImportInfo] = {}
    for start in range(0, len(ids), _CHUNK):
        result = await conn.execute(
            select(
                people_imports.c.person_id,
                people_imports.c.class_or_position,
                invites.c.code,
                people_imports.c.imported_at,
                people_imports.c.claimed_at,
            )
            .select_from(people_imports.outerjoin(invites))
            .where(people_imports.c.person_id.in_(ids[start : start + _CHUNK]))
        )
        for row in result:
            found[row.person_id] = ImportInfo(
                row.person_id, row.class_or_position, row.code, row.imported_at, row.claimed_at
            )
    return found


async def personal_invite_ids(conn: AsyncConnection, organisation_id: int) -> set[int]:
    query = select(people_imports.c.invite_id).where(
        people_imports.c.organisation_id == organisation_id,
        people_imports.c.invite_id.is_not(None),
    )
    return {int(i) for i in (await conn.execute(query)).scalars()}


async def delete_unclaimed(conn: AsyncConnection, person_id: int) -> bool:
    """Remove an imported person who never joined, with his personal invite."""
    query = select(people_imports.c.invite_id).where(
        people_imports.c.person_id == person_id, people_imports.c.claimed_at.is_(None)
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return False
    result = await conn.execute(
        delete(people).where(
            people.c.id == person_id, people.c.status == INVITED, people.c.telegram_id.is_(None)
        )
    )
    if result.rowcount != 1:
        return False
    if row.invite_id is not None:
        await conn.execute(delete(invites).where(invites.c.id == row.invite_id))
    return True
