"""People and their memberships (roles in organisations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import consents, memberships, organisations, people, people_imports
from storage.types import utcnow

__all__ = [
    "ROLES",
    "Membership",
    "Person",
    "PersonRow",
    "active_with_role",
    "add_membership",
    "create",
    "erase_personal_data",
    "get",
    "get_by_telegram_id",
    "list_in_organisation",
    "minors_without_parent_consent",
    "set_birth_date",
    "set_locale",
    "set_name",
]

ROLES = ("mentee", "mentor", "curator", "coordinator", "admin")


@dataclass(frozen=True, slots=True)
class Membership:
    organisation_id: int | None
    organisation_name: str | None
    role: str


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_id: int | None
    full_name: str | None
    username: str | None
    birth_date: date | None
    locale: str
    status: str
    created_at: datetime
    memberships: tuple[Membership, ...] = field(default=())

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    @property
    def registered(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as listed for an organisation (one row per membership)."""

    id: int
    full_name: str | None
    role: str
    status: str
    locale: str
    created_at: datetime


def _person_rows() -> Select[Any]:
    """People with one row per membership, shaped like `PersonRow`."""
    return select(
        people.c.id,
        people.c.full_name,
        memberships.c.role,
        people.c.status,
        people.c.locale,
        people.c.created_at,
    ).select_from(people.join(memberships))


def _person(row: RowMapping, member_rows: list[RowMapping]) -> Person:
    return Person(
        id=row["id"],
        telegram_id=row["telegram_id"],
        full_name=row["full_name"],
        username=row["username"],
        birth_date=row["birth_date"],
        locale=row["locale"],
        status=row["status"],
        created_at=row["created_at"],
        memberships=tuple(
            Membership(m["organisation_id"], m["organisation_name"], m["role"]) for m in member_rows
        ),
    )


async def _memberships(conn: AsyncConnection, person_id: int) -> list[RowMapping]:
    result = await conn.execute(
        select(
            memberships.c.organisation_id,
            memberships.c.role,
            organisations.c.name.label("organisation_name"),
        )
        .select_from(memberships.outerjoin(organisations))
        .where(memberships.c.person_id == person_id)
        .order_by(memberships.c.id)
    )
    return list(result.mappings())


async def get(conn: AsyncConnection, person_id: int) -> Person | None:
    row = (await conn.execute(select(people).where(people.c.id == person_id))).mappings().first()
    return _person(row, await _memberships(conn, row["id"])) if row else None


async def get_by_telegram_id(conn: AsyncConnection, telegram_id: int) -> Person | None:
    """The person with his memberships, in one query: this runs for every update."""
    query = (
        select(
            people,
            memberships.c.organisation_id,
            memberships.c.role,
            organisations.c.name.label("organisation_name"),
        )
        .select_from(people.outerjoin(memberships).outerjoin(organisations))
        .where(people.c.telegram_id == telegram_id)
        .order_by(memberships.c.id)
    )
    rows = list((await conn.execute(query)).mappings())
    if not rows:
        return None
    return _person(rows[0], [row for row in rows if row["role"] is not None])


async def create(
    conn: AsyncConnection, *, telegram_id: int, locale: str, username: str | None, status: str
) -> int:
    now = utcnow()
    result = await conn.execute(
        insert(people)
        .values(
            telegram_id=telegram_id,
            locale=locale,
            username=username,
            status=status,
            created_at=now,
            updated_at=now,
        )
        .returning(people.c.id)
    )
    return int(result.scalar_one())


async def add_membership(
    conn: AsyncConnection, person_id: int, organisation_id: int | None, role: str
) -> None:
    exists = await conn.execute(
        select(memberships.c.id).where(
            memberships.c.person_id == person_id,
            memberships.c.organisation_id.is_(organisation_id)
            if organisation_id is None
            else memberships.c.organisation_id == organisation_id,
            memberships.c.role == role,
        )
    )
    if exists.first() is None:
        await conn.execute(
            insert(memberships).values(
                person_id=person_id,
                organisation_id=organisation_id,
                role=role,
                created_at=utcnow(),
            )
        )


async def set_name(conn: AsyncConnection, person_id: int, full_name: str, status: str) -> None:
    await conn.execute(
        update(people)
        .where(people.c.id == person_id)
        .values(full_name=full_name, status=status, updated_at=utcnow())
    )


async def set_locale(conn: AsyncConnection, person_id: int, locale: str) -> None:
    await conn.execute(
        update(people).where(people.c.id == person_id).values(locale=locale, updated_at=utcnow())
    )


async def erase_personal_data(conn: AsyncConnection, person_id: int) -> None:
    """Keep the row as an anonymous id for aggregates; drop everything that identifies,
    the class or position a school's list gave him included."""
    await conn.execute(
        update(people_imports)
        .where(people_imports.c.person_id == person_id)
        .values(class_or_position="")
    )
    await conn.execute(
        update(people)
        .where(people.c.id == person_id)
        .values(
            telegram_id=None,
            full_name=None,
            username=None,
            birth_date=None,
            status="forgotten",
            updated_at=utcnow(),
        )
    )


async def delete_pending(conn: AsyncConnection, person_id: int) -> None:
    await conn.execute(delete(people).where(people.c.id == person_id))


async def list_in_organisation(conn: AsyncConnection, organisation_id: int) -> list[PersonRow]:
    result = await conn.execute(
        _person_rows()
        .where(memberships.c.organisation_id == organisation_id)
        .order_by(memberships.c.role, people.c.full_name, people.c.id)
    )
    return [PersonRow(**row) for row in result.mappings()]


async def set_birth_date(conn: AsyncConnection, person_id: int, birth_date: date) -> None:
    await conn.execute(
        update(people)
        .where(people.c.id == person_id)
        .values(birth_date=birth_date, updated_at=utcnow())
    )


async def minors_without_parent_consent(
    conn: AsyncConnection, organisation_id: int, adult_born_before: date
) -> list[PersonRow]:
    """Active participants born after `adult_born_before` (under 18) with no parent's consent."""
    has_parent = (
        select(consents.c.id)
        .where(
            consents.c.person_id == people.c.id,
            consents.c.kind == "parent",
            consents.c.withdrawn_at.is_(None),
        )
        .exists()
    )
    result = await conn.execute(
        _person_rows()
        .where(
            memberships.c.organisation_id == organisation_id,
            memberships.c.role.in_(("mentee", "mentor")),
            people.c.status == "active",
            people.c.birth_date > adult_born_before,
            ~has_parent,
        )
        .order_by(people.c.full_name, people.c.id)
    )
    return [PersonRow(**row) for row in result.mappings()]


async def active_with_role(conn: AsyncConnection, role: str) -> list[int]:
    """Active people holding a role anywhere (in an organisation or bound to an area)."""
    result = await conn.execute(
        select(people.c.id)
        .select_from(people.join(memberships))
        .where(memberships.c.role == role, people.c.status == "active")
        .distinct()
        .order_by(people.c.id)
    )
    return [int(pid) for pid in result.scalars()]
