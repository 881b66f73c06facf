"""Consents to personal-data processing (согласие на обработку ПДн)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import consents
from storage.types import utcnow

__all__ = ["Consent", "grant", "list_for_person", "withdraw_all"]


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
    conn: AsyncConnection, person_id: int, *, kind: str, text_version: str, granted_by: str
) -> None:
    await conn.execute(
        insert(consents).values(
            person_id=person_id,
            kind=kind,
            text_version=text_version,
            granted_at=utcnow(),
            granted_by=granted_by,
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
    """Mark every consent withdrawn and drop who gave it (a parent's name is personal data)."""
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
