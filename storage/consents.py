"""Consents to personal-data processing (согласие на обработку ПДн)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import consents, parent_codes
from storage.types import utcnow

__all__ = [
    "Consent",
    "ParentCode",
    "create_parent_code",
    "get_parent_code",
    "grant",
    "has_active",
    "list_for_person",
    "open_parent_code",
    "use_parent_code",
    "withdraw_all",
]


@dataclass(frozen=True, slots=True)
class Consent:
    id: int
    kind: str
    text_version: str
    granted_at: datetime
    granted_by: str
    withdrawn_at: datetime | None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


async def grant(
    conn: AsyncConnection,
    person_id: int,
    *,
    kind: str,
    text_version: str,
    granted_by: str,
    granted_by_telegram_id: int | None = None,
) -> None:
    await conn.execute(
        insert(consents).values(
            person_id=person_id,
            kind=kind,
            text_version=text_version,
            granted_at=utcnow(),
            granted_by=granted_by,
            granted_by_telegram_id=granted_by_telegram_id,
        )
    )


async def list_for_person(conn: AsyncConnection, person_id: int) -> list[Consent]:
    result = await conn.execute(
        select(
            consents.c.id,
            consents.c.kind,
            consents.c.text_version,
            consents.c.granted_at,
            consents.c.granted_by,
            consents.c.withdrawn_at,
        )
        .where(consents.c.person_id == person_id)
        .order_by(consents.c.id)
    )
    return [Consent(**row) for row in result.mappings()]


async def withdraw_all(conn: AsyncConnection, person_id: int) -> None:
    """Mark every consent withdrawn and drop who gave it: a parent's name and Telegram account
    are personal data, and would name the child's family."""
    await conn.execute(
        update(consents)
        .where(consents.c.person_id == person_id, consents.c.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
    )
    await conn.execute(
        update(consents)
        .where(consents.c.person_id == person_id, consents.c.granted_by != "self")
        .values(granted_by="erased")
    )
    await conn.execute(
        update(consents)
        .where(consents.c.person_id == person_id)
        .values(granted_by_telegram_id=None)
    )
    # An open link would let someone consent for an erased child.
    await conn.execute(delete(parent_codes).where(parent_codes.c.child_person_id == person_id))


async def has_active(conn: AsyncConnection, person_id: int, kind: str) -> bool:
    query = select(consents.c.id).where(
        consents.c.person_id == person_id,
        consents.c.kind == kind,
        consents.c.withdrawn_at.is_(None),
    )
    return (await conn.execute(query.limit(1))).first() is not None


async def create_parent_code(
    conn: AsyncConnection, child_person_id: int, code: str, expires_at: datetime
) -> None:
    await conn.execute(
        insert(parent_codes).values(
            code=code, child_person_id=child_person_id, created_at=utcnow(), expires_at=expires_at
        )
    )


async def open_parent_code(
    conn: AsyncConnection, child_person_id: int, now: datetime
) -> str | None:
    """The child's unused, unexpired parent code, if one was issued."""
    query = (
        select(parent_codes.c.code)
        .where(
            parent_codes.c.child_person_id == child_person_id,
            parent_codes.c.used_at.is_(None),
            parent_codes.c.expires_at > now,
        )
        .order_by(parent_codes.c.id.desc())
        .limit(1)
    )
    return (await conn.execute(query)).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class ParentCode:
    code: str
    child_person_id: int
    expires_at: datetime
    used_at: datetime | None


async def get_parent_code(conn: AsyncConnection, code: str) -> ParentCode | None:
    row = (
        (await conn.execute(select(parent_codes).where(parent_codes.c.code == code)))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return ParentCode(row["code"], row["child_person_id"], row["expires_at"], row["used_at"])


async def use_parent_code(conn: AsyncConnection, code: str) -> bool:
    """Mark the code used; False when it was used meanwhile (a double tap)."""
    result = await conn.execute(
        update(parent_codes)
        .where(parent_codes.c.code == code, parent_codes.c.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1
